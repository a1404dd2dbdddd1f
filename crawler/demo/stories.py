"""The demo's articles (written for newswatch; wire-copy style, about the January 2022 unrest)."""

from __future__ import annotations

REPORT_TITLE = "Kazakhstan says at least 164 killed in week of unrest"
REPORT_V1 = [
    "ALMATY, Kazakhstan — At least 164 people were killed in the unrest that swept Kazakhstan "
    "over the past week, state media reported on Sunday, citing the health ministry.",
    "President Kassym-Jomart Tokayev said constitutional order had been restored after troops "
    "from the Russian-led Collective Security Treaty Organization arrived to help quell the "
    "protests, which began over a jump in fuel prices and turned into the worst violence in "
    "the country's three decades of independence.",
    "The Interior Ministry said nearly 8,000 people had been detained across the country. "
    "Officials said the alliance had sent 2,300 troops to guard government buildings and "
    "strategic sites.",
    "In Almaty, the largest city, the mayor's office was set on fire and the airport was "
    "briefly seized by protesters before security forces retook it. Residents described bursts "
    "of gunfire through the night.",
    "Tokayev has blamed the violence on what he called foreign-trained terrorists, a claim for "
    "which he has offered no evidence, and has allowed security forces to shoot without "
    "warning.",
    "The former head of the National Security Committee, Karim Masimov, was arrested on "
    "suspicion of treason, deepening speculation about a power struggle within the ruling "
    "elite and about the role of former president Nursultan Nazarbayev.",
    "Life in Almaty was slowly returning to normal, with some shops reopening and public "
    "transport running again, although internet access remained patchy.",
]
REPORT_V2_TITLE = "Kazakhstan raises death toll from unrest to 225"
REPORT_V2 = [
    "ALMATY, Kazakhstan — 225 people were killed in the unrest that swept Kazakhstan over the "
    "past week, prosecutors said on Saturday, sharply raising the official toll.",
    *REPORT_V1[1:],
]
COPY_TITLE = "Death toll in Kazakhstan unrest reaches 164 — officials"
COPY_INTRO = "This report was first published by Steppe Wire and is republished with permission."
COPY_OUTRO = "Follow World Digest for more breaking news from Central Asia."
RIVAL_TITLE = "Kazakhstan unrest: prosecutors put death toll at 238"
RIVAL = [
    "NUR-SULTAN — Kazakhstan's prosecutor general's office said on Sunday that 238 people were "
    "killed in the unrest, giving a higher figure than earlier official counts as "
    "investigators examined the violence in Almaty and other cities.",
    "Troops sent by the Russian-led Collective Security Treaty Organization began leaving the "
    "country after President Kassym-Jomart Tokayev declared that constitutional order had "
    "been restored.",
    "The protests began in the west of the country over a sharp rise in fuel prices before "
    "spreading to Almaty, where the mayor's office was set on fire and the airport was seized.",
    "The former security chief Karim Masimov remains in custody on suspicion of treason, and "
    "rights groups have asked the authorities to account for everyone who died.",
]
UNRELATED_TITLE = "City council approves network of protected cycle lanes"
UNRELATED = [
    "The city council voted on Tuesday to build 40 kilometres of protected cycle lanes over "
    "the next three years, the largest such programme in the region.",
    "Council members said the lanes would connect the university district with the central "
    "station and the riverside parks, and that work on the first section would start in spring.",
    "Local business groups welcomed the plan but asked for loading zones to be kept on the "
    "busiest shopping streets, and the council agreed to review deliveries after six months.",
    "A cycling association said the programme was overdue and urged the council to add "
    "secure bicycle parking near schools.",
]

SEED_TEXT = "\n\n".join(
    [
        "Kazakh leader says order restored after troops from Russian-led bloc arrive",
        "Kazakhstan's president Kassym-Jomart Tokayev said on Monday that constitutional order "
        "had been restored across the country after a week of violent protests that began over "
        "fuel prices.",
        "Troops sent by the Collective Security Treaty Organization, the military alliance led "
        "by Russia, guarded government buildings in Almaty, where the mayor's office was burned "
        "and the airport was stormed.",
        "Authorities said more than 160 people were killed and thousands were detained during "
        "the unrest, and the former security chief Karim Masimov was arrested on suspicion of "
        "treason.",
    ]
)
