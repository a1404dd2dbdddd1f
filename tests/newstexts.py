"""Article texts for the copy and relevance tests (written for newswatch, wire-copy style).

The wire story and its versions are about the January 2022 unrest in Kazakhstan, the seed's
story; the other articles are about other things on purpose.
"""

from __future__ import annotations

import random
import re

from crawler.core.text import sentences

WIRE_TITLE = "Kazakhstan detains former security chief as Russian-led troops guard Almaty"
WIRE = [
    "ALMATY, Kazakhstan (Steppe Wire) — Kazakh authorities detained the former head of the "
    "National Security Committee, Karim Masimov, on suspicion of high treason, officials said "
    "on Saturday, as troops from a Russian-led military alliance guarded government buildings "
    "in Almaty after days of deadly unrest.",
    "The arrest of Masimov, a long-time ally of former president Nursultan Nazarbayev, was "
    "announced by the committee in a brief statement that gave no details of the accusations. "
    "It deepened speculation that the violence had been accompanied by a struggle for power "
    "inside the ruling elite.",
    "President Kassym-Jomart Tokayev has described the protests, which began over a sharp rise "
    "in the price of liquefied gas in the oil town of Zhanaozen, as an attempted coup by "
    "foreign-trained terrorists. He has offered no evidence for the claim.",
    "About 2,500 soldiers from the Collective Security Treaty Organization, most of them "
    "Russian paratroopers, have been deployed to protect what officials called strategic "
    "facilities, including the airport of Almaty, which protesters held for several hours on "
    "Wednesday.",
    "The health ministry said 164 people had died in the unrest, among them three children, "
    "and more than 2,200 had sought treatment for injuries. The interior ministry said 5,800 "
    "people had been detained, including foreign nationals.",
    "In Almaty, the country's commercial capital, residents ventured out on Saturday to buy "
    "food as some shops and banks reopened. Burnt-out cars still lined the main square, where "
    "the mayor's office had been set on fire, and soldiers manned checkpoints across the city.",
    "Internet access, cut across most of the country since Wednesday, was partly restored in "
    "the capital, Nur-Sultan, but remained unavailable in Almaty for most of the day, making "
    "it difficult to verify reports of continued shooting.",
    "The United States, the European Union and the United Nations have called for restraint, "
    "and Washington has questioned why the government needed outside help to restore order. "
    "Moscow has said the alliance troops will stay only as long as Tokayev needs them.",
    "Tokayev said on Friday he had ordered security forces to fire without warning at those he "
    "called bandits, and rejected calls for negotiations with the protesters. Rights groups "
    "said the order risked further bloodshed.",
    "Nazarbayev, 81, who ruled Kazakhstan for nearly three decades before handing the "
    "presidency to Tokayev in 2019, has not been seen in public since the protests began. His "
    "spokesman said he remained in the capital and supported the president.",
    "Analysts said the crisis had exposed the limits of the political transition Nazarbayev "
    "designed, and the reliance of the country's leadership on Moscow at a time of high "
    "tension between Russia and the West over Ukraine.",
]
EARLY_TITLE = "BREAKING: Kazakhstan detains ex-security chief Masimov"
SYNDICATION_INTRO = "This article is republished from Steppe Wire under a content partnership."
SYNDICATION_OUTRO = (
    "Sign up for the Morning Digest newsletter to get the day's top stories in your inbox. "
    "Follow us on social media for breaking news from Central Asia and beyond."
)

SAME_EVENT_TITLE = "Russian-led troops begin leaving Kazakhstan as Tokayev names new government"
SAME_EVENT = [
    "Troops from the Collective Security Treaty Organization began withdrawing from Kazakhstan "
    "on Thursday, a week after they were flown in at the request of President Kassym-Jomart "
    "Tokayev to help put down the worst unrest in the Central Asian country's history.",
    "Tokayev, who has called the violence in Almaty a foiled coup attempt, told parliament that "
    "the alliance's mission had been a success and that order had been restored across the "
    "country. He named Alikhan Smailov, a former finance minister, as prime minister.",
    "The Russian defence ministry said transport planes had started carrying paratroopers home "
    "from the airport of Almaty, and that the pullout would be completed within ten days.",
    "In a speech that was unusually critical of his predecessor, Nursultan Nazarbayev, Tokayev "
    "said the former leader's circle had grown rich while ordinary people struggled with rising "
    "prices, and he promised to raise taxes on the wealthiest families.",
    "Authorities have raised the official death toll from the protests, which began over fuel "
    "prices, to 225, and said nearly 10,000 people had been detained. Rights groups have "
    "reported that some detainees were beaten in custody.",
    "The former head of the National Security Committee, Karim Masimov, remains in detention on "
    "suspicion of treason. Prosecutors have not said what evidence they hold against him.",
]

COMMON_WORDS_TITLE = "Council says new budget will support families and local security"
COMMON_WORDS = [
    "The county council said on Monday that its budget for next year would increase support for "
    "families, schools and local security, after a week of debate in which members said the "
    "government had left the region to deal with rising prices on its own.",
    "The council leader told members that the plan would protect people from the worst of the "
    "increase in fuel and food prices, and that officials had worked for months to find savings "
    "without closing services. Several members said the plan did not go far enough.",
    "Under the plan, the council will hire more community officers to improve security in the "
    "town centre at night, where shops have reported a rise in break-ins. Police officials said "
    "they welcomed the extra support and would work with the council on patrols.",
    "Members of the opposition said the administration had taken control of the process and "
    "ignored the concerns of residents, and called for a public meeting before the final vote, "
    "which is expected at the end of the month.",
    "The budget also includes money to repair buildings and roads damaged in last winter's "
    "storms, and a fund to help small businesses that had struggled since the start of the "
    "year, the council said in a statement.",
]

# Three weeks later: the story has moved on to a trial; little of the seed's vocabulary is left.
# Between the two: the story turns to the prosecution of the former security chief.
CHARGES_TITLE = "Kazakhstan charges Masimov, trial to open in military court"
CHARGES = [
    "Prosecutors in Kazakhstan charged Karim Masimov, the former head of the National Security "
    "Committee, with abuse of office and attempting to seize power, and said his trial would "
    "open in a military court in Almaty next month.",
    "Masimov's lawyers said the charges were political and that he would plead not guilty. The "
    "court has not said whether the trial will be open to the public or to his family.",
    "Prosecutors said the case file ran to 180 volumes and that 40 witnesses would be heard, "
    "among them former officers of the committee who had been detained with him in January.",
]

FOLLOW_UP_TITLE = "Kazakhstan court jails Masimov for 18 years"
FOLLOW_UP = [
    "A military court in Kazakhstan on Monday sentenced Karim Masimov to 18 years in prison "
    "for abuse of office, closing the first trial over the January events.",
    "Judges found that Masimov had ignored warnings of the violence, prosecutors said. His "
    "lawyers said they would appeal the verdict.",
]

# A neighbouring story: the same kind of event in another country, told in the same words.
NEIGHBOUR_TITLE = "Authorities in Bishkek detain former security chief as troops guard capital"
NEIGHBOUR = [
    "Authorities in Bishkek detained the former head of the State Committee for National "
    "Security on suspicion of high treason on Saturday, officials said, as troops guarded "
    "government buildings in the capital after days of deadly unrest over fuel prices.",
    "The arrest was announced in a brief statement that gave no details of the accusations, "
    "deepening speculation of a struggle for power inside the ruling elite.",
    "The health ministry said 12 people had died in the unrest and more than 300 had sought "
    "treatment for injuries. The interior ministry said 900 people had been detained.",
]

SYNONYMS = {
    "said": "stated",
    "president": "leader",
    "government": "administration",
    "troops": "soldiers",
    "protests": "demonstrations",
    "country": "nation",
    "unrest": "turmoil",
    "former": "ex",
    "military": "armed",
    "forces": "units",
    "leaders": "heads",
    "large": "big",
    "violent": "brutal",
    "arrested": "detained",
    "city": "town",
    "people": "citizens",
    "control": "command",
    "mission": "operation",
    "end": "finish",
    "power": "authority",
    "support": "backing",
    "claimed": "asserted",
    "rejected": "dismissed",
    "leave": "depart",
    "internal": "domestic",
    "external": "outside",
    "increased": "rose",
    "fuel": "petrol",
    "prices": "costs",
    "buildings": "offices",
    "streets": "roads",
    "shops": "stores",
    "food": "groceries",
    "difficult": "hard",
    "recent": "last",
    "countries": "states",
    "concern": "worry",
    "limited": "restricted",
    "completing": "finishing",
    "several": "some",
    "helped": "aided",
    "quell": "suppress",
    "coup": "putsch",
    "attempt": "bid",
    "interference": "meddling",
    "uprising": "revolt",
    "evidence": "proof",
    "theories": "hypotheses",
    "mysterious": "puzzling",
    "absence": "disappearance",
    "armed": "militant",
    "attacks": "assaults",
    "heavy": "strong",
    "army": "military",
    "guarding": "protecting",
    "main": "principal",
    "signs": "indications",
    "effort": "attempt",
    "cars": "vehicles",
    "repairing": "fixing",
    "began": "started",
    "quickly": "rapidly",
    "major": "big",
    "challenge": "test",
    "week": "seven days",
    "security": "safety",
}
_CORE = re.compile(r"[^\W\d_]+")


def respin(text: str, swap_share: float = 0.15, drop: int = 2, seed: int = 5) -> tuple[str, float]:
    """An aggregator's re-spin of ``text``: ``drop`` sentences dropped (never the first), then
    ``swap_share`` of the words replaced by synonyms. Returns the text and the share swapped."""
    rnd = random.Random(seed)
    parts = sentences(text)
    dropped = set(rnd.sample(range(1, len(parts)), drop))
    tokens = " ".join(p for i, p in enumerate(parts) if i not in dropped).split(" ")
    swappable = [
        i for i, t in enumerate(tokens) if (m := _CORE.search(t)) and m.group(0).lower() in SYNONYMS
    ]
    chosen = set(rnd.sample(swappable, min(len(swappable), round(swap_share * len(tokens)) + 1)))
    for i in chosen:
        word = _CORE.search(tokens[i]).group(0)  # type: ignore[union-attr]
        tokens[i] = tokens[i].replace(word, SYNONYMS[word.lower()], 1)
    return " ".join(tokens), len(chosen) / len(tokens)
