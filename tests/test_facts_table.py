"""The fact extractor against wire-copy sentences: kinds, subjects, numbers, bounds, non-facts.

Each row: a sentence (written for these tests in the style of agency copy), and the *current*
facts expected from it in reading order as (kind, subject, value, low, high, qualifier).
Articles are from 2022 (``reference_year``) unless a row says otherwise. A "not a fact" row
expects no current fact: what it holds, if anything, is history, a projection or another event
(the real-sentence table in ``test_facts_real.py`` checks those roles).
"""

from __future__ import annotations

import pytest

from crawler.core.facts import extract_facts

N = None
Row = tuple[str, list[tuple[str, str, float, float | None, float | None, str]]]

KILLED: list[Row] = [
    (
        "At least 164 people were killed in the unrest that swept Kazakhstan, state media reported.",
        [("killed", "people", 164, 164, N, "at least")],
    ),
    (
        "225 people were killed in the unrest, prosecutors said on Saturday.",
        [("killed", "people", 225, 225, 225, "")],
    ),
    (
        "The death toll rose to 225, the prosecutor general's office said.",
        [("killed", "people", 225, 225, 225, "")],
    ),
    (
        "More than 160 people were killed, the health ministry said.",
        [("killed", "people", 160, 160, N, "more than")],
    ),
    (
        "Security forces killed at least 12 protesters in Almaty on Thursday.",
        [("killed", "protesters", 12, 12, N, "at least")],
    ),
    (
        "Three civilians died when a shell hit their house in the village.",
        [("killed", "civilians", 3, 3, 3, "")],
    ),
    (
        "Eleven migrants drowned when their boat capsized off the Libyan coast.",
        [("killed", "migrants", 11, 11, 11, "")],
    ),
    (
        "The attack left nine dead and 20 wounded, a hospital official said.",
        [("killed", "people", 9, 9, 9, ""), ("injured", "people", 20, 20, 20, "")],
    ),
    (
        "Gunmen killed 27 villagers in a night raid on Sunday.",
        [("killed", "villagers", 27, 27, 27, "")],
    ),
    (
        "A suicide bomber killed at least 50 worshippers at a mosque in the city.",
        [("killed", "worshippers", 50, 50, N, "at least")],
    ),
    (
        "Rescue workers pulled 14 bodies from the rubble overnight.",
        [("killed", "people", 14, 14, 14, "")],
    ),
    (
        "The quake killed two thousand people across the province.",
        [("killed", "people", 2000, 2000, 2000, "")],
    ),
    (
        "Some 25 militants were killed in the air strikes, the army said.",
        [("killed", "militants", 25, N, N, "some")],
    ),
    (
        "The death toll climbed to at least 97 on Monday.",
        [("killed", "people", 97, 97, N, "at least")],
    ),
    ("The ministry put the number of dead at 227.", [("killed", "people", 227, 227, 227, "")]),
    (
        "Seven people, including two children, were killed in the strike.",
        [("killed", "people", 7, 7, 7, ""), ("killed", "children", 2, 2, 2, "")],
    ),
    (
        # the total speaks for the sentence: it comes first
        "Two people died in hospital overnight, bringing the death toll to 31.",
        [("killed", "people", 2, 2, 2, ""), ("killed", "people", 31, 31, 31, "")],
    ),
    (
        "At least 26 armed criminals were killed and 18 members of the security forces died, "
        "the ministry said.",
        [
            ("killed", "criminals", 26, 26, N, "at least"),
            ("killed", "security forces", 18, 18, 18, ""),
        ],
    ),
    ("Four police officers were among the dead.", [("killed", "police", 4, 4, 4, "")]),
    (
        "Nearly 300 people have lost their lives since the fighting began.",
        [("killed", "people", 300, N, 300, "nearly")],
    ),
    (
        "Health officials confirmed 1,432 deaths from the outbreak.",
        [("killed", "people", 1432, 1432, 1432, "")],
    ),
    (
        "Authorities said 32 fatalities had been recorded.",
        [("killed", "people", 32, 32, 32, "")],
    ),
    (
        "Two Kazakh soldiers and a police officer were killed on Wednesday.",
        [("killed", "soldiers", 2, 2, 2, "")],
    ),
    (
        "So far in 2022, 31 journalists have been killed worldwide.",
        [("killed", "journalists", 31, 31, 31, "")],
    ),
]

INJURED: list[Row] = [
    (
        "Twenty-five people were injured when police fired rubber bullets.",
        [("injured", "people", 25, 25, 25, "")],
    ),
    (
        "Officials said 43 police officers were wounded in the clashes.",
        [("injured", "police", 43, 43, 43, "")],
    ),
    (
        "A dozen people were hospitalised with gunshot wounds.",
        [("injured", "people", 12, 12, N, "a dozen")],
    ),
    (
        "Over 100 police officers were injured during the riots.",
        [("injured", "police", 100, 100, N, "over")],
    ),
    (
        "Fewer than 10 people were hurt, the fire service said.",
        [("injured", "people", 10, N, 10, "fewer than")],
    ),
    (
        "Medics said the number of injured stood at 1,300.",
        [("injured", "people", 1300, 1300, 1300, "")],
    ),
    (
        "The blast killed 14 people and wounded 37 others.",
        [("killed", "people", 14, 14, 14, ""), ("injured", "people", 37, 37, 37, "")],
    ),
    (
        "Ukrainian officials said 12 civilians were killed and 30 wounded in the shelling.",
        [("killed", "civilians", 12, 12, 12, ""), ("injured", "civilians", 30, 30, 30, "")],
    ),
    (
        "The fire killed three firefighters and injured 11 others.",
        [("killed", "firefighters", 3, 3, 3, ""), ("injured", "people", 11, 11, 11, "")],
    ),
    ("The clashes left hundreds injured.", [("injured", "people", 200, 200, N, "hundreds")]),
]

MISSING: list[Row] = [
    (
        "Up to 30 people remain missing after the landslide.",
        [("missing", "people", 30, N, 30, "up to")],
    ),
    (
        "About 40 people are still unaccounted for, the governor said.",
        [("missing", "people", 40, N, N, "about")],
    ),
    (
        "Eight miners are missing after the collapse at the Lenin mine.",
        [("missing", "miners", 8, 8, 8, "")],
    ),
    (
        "Forty-two people were reported missing on Sunday night.",
        [("missing", "people", 42, 42, 42, "")],
    ),
]

ARRESTED: list[Row] = [
    (
        "Nearly 8,000 people had been detained across the country, the Interior Ministry said.",
        [("arrested", "people", 8000, N, 8000, "nearly")],
    ),
    (
        "The ministry said 7 939 people had been detained.",
        [("arrested", "people", 7939, 7939, 7939, "")],
    ),
    (
        "Dozens of protesters were detained outside the parliament.",
        [("arrested", "protesters", 24, 24, N, "dozens")],
    ),
    ("Two journalists were among those arrested.", [("arrested", "journalists", 2, 2, 2, "")]),
    (
        "The number of people detained has risen to 9,900.",
        [("arrested", "people", 9900, 9900, 9900, "")],
    ),
    (
        "The government said fewer than 50 people had been arrested.",
        [("arrested", "people", 50, N, 50, "fewer than")],
    ),
    (
        "Police said they had arrested 56 suspected looters.",
        [("arrested", "looters", 56, 56, 56, "")],
    ),
    (
        "Authorities detained 1,678 people in Almaty alone.",
        [("arrested", "people", 1678, 1678, 1678, "")],
    ),
    (
        "Around 200 demonstrators were rounded up by riot police.",
        [("arrested", "protesters", 200, N, N, "around")],
    ),
    (
        "A total of 4,578 people remain in custody.",
        [("arrested", "people", 4578, 4578, 4578, "")],
    ),
    (
        "Thousands of people were detained in the crackdown.",
        [("arrested", "people", 2000, 2000, N, "thousands")],
    ),
    (
        "Police arrested two men in connection with the attack.",
        [("arrested", "men", 2, 2, 2, "")],
    ),
    (
        "At least 5,800 people, including foreign nationals, were detained.",
        [("arrested", "people", 5800, 5800, N, "at least")],
    ),
]

TROOPS: list[Row] = [
    (
        "The alliance sent 2,300 troops to guard government buildings.",
        [("troops", "troops", 2300, 2300, 2300, "")],
    ),
    (
        "Russia has deployed some 3,000 paratroopers to the region.",
        [("troops", "troops", 3000, N, N, "some")],
    ),
    (
        "The bloc said it had sent a contingent of about 2,030 servicemen.",
        [("troops", "troops", 2030, N, N, "about")],
    ),
    (
        "Kazakhstan's president said 2,500 troops from the bloc had arrived.",
        [("troops", "troops", 2500, 2500, 2500, "")],
    ),
    (
        "Belarus contributed 500 soldiers to the mission.",
        [("troops", "troops", 500, 500, 500, "")],
    ),
]

DISPLACED: list[Row] = [
    (
        "About 2.3 million people have been displaced by the conflict, the U.N. said.",
        [("displaced", "people", 2_300_000, N, N, "about")],
    ),
    (
        "Hundreds of families fled their homes as the fighting spread.",
        [("displaced", "families", 200, 200, N, "hundreds")],
    ),
    (
        "The floods have displaced more than 300,000 people.",
        [("displaced", "people", 300_000, 300_000, N, "more than")],
    ),
    (
        "Some 1,500 residents were evacuated from the area.",
        [("displaced", "people", 1500, N, N, "some")],
    ),
    (
        "The United Nations said 45,000 people had fled their homes since the fighting began.",
        [("displaced", "people", 45_000, 45_000, 45_000, "")],
    ),
]

NEGATIONS: list[Row] = [
    ("No one was killed in the blast, officials said.", [("killed", "people", 0, 0, 0, "")]),
    (
        "Nobody was hurt in the fire, the fire service said.",
        [("injured", "people", 0, 0, 0, "")],
    ),
    (
        "No soldiers were killed in the operation, the defence ministry said.",
        [("killed", "soldiers", 0, 0, 0, "")],
    ),
    ("There were no deaths reported.", [("killed", "people", 0, 0, 0, "")]),
    ("Not a single person was detained, police said.", [("arrested", "people", 0, 0, 0, "")]),
]

NOT_FACTS: list[Row] = [
    ("The storm could kill thousands if it makes landfall near the capital.", []),
    ("In 2019, 12 people died in similar protests.", []),
    ("During the 2008 war, 850 people were killed.", []),
    ("Rescuers fear the death toll could exceed 500.", []),
    ("About 1,200 peacekeepers will be deployed next week.", []),
    ("Officials said 2,000 people could be evacuated if the dam fails.", []),
    ("The government will send 1,000 more troops, the minister said.", []),
    ("If the ceasefire collapses, tens of thousands could be displaced.", []),
    ("A similar crackdown left 40 people dead two years ago.", []),
    ("The ministry had earlier said 164 people were killed.", []),
    ("A 24-year-old man was killed by a stray bullet.", []),
    ("About 4,000 people took part in the rally on Sunday.", []),
    ("The protests began on January 2 over a sharp rise in fuel prices.", []),
    ("The toll from last year's earthquake was 1,200.", []),
    ("Analysts say the crackdown might leave hundreds dead.", []),
    ("The council voted to build 40 kilometres of cycle lanes.", []),
]

TABLE = KILLED + INJURED + MISSING + ARRESTED + TROOPS + DISPLACED + NEGATIONS + NOT_FACTS


def test_the_table_is_large_and_varied() -> None:
    assert len(TABLE) >= 60
    kinds = {f[0] for _, facts in TABLE for f in facts}
    assert kinds == {"killed", "injured", "missing", "arrested", "troops", "displaced"}
    assert len({f[1] for _, facts in TABLE for f in facts}) >= 12  # subjects


@pytest.mark.parametrize(("sentence", "expected"), TABLE, ids=[s[:48] for s, _ in TABLE])
def test_sentence(
    sentence: str, expected: list[tuple[str, str, float, float | None, float | None, str]]
) -> None:
    found = extract_facts(sentence, reference_year=2022)
    got = [(f.kind, f.subject, f.value, f.low, f.high, f.qualifier) for f in found if f.is_current]
    assert got == expected
    assert all(f.sentence == sentence for f in extract_facts(sentence, reference_year=2022))
