"""Wire furniture is not reporting: datelines, bylines, credits and read-more lines."""

from __future__ import annotations

import pytest

from crawler.core.furniture import is_furniture, reporting, strip_dateline

LEDE = "Authorities said at least 40 people were killed in the floods on Monday."


@pytest.mark.parametrize(
    "dateline",
    [
        "CAIRO (AP) — ",
        "CAIRO (AP) -- ",
        "CAIRO -- ",
        "GENEVA (Reuters) - ",
        "TEHRAN: ",
        "TEHERAN – ",
        "DERNA, LIBYA >> ",
        "Derna (Libya) | ",
        "Paris (AFP) - ",
        "Libya, Sept 19: ",
        "ALMATY, Kazakhstan (Steppe Wire) — ",
        "(AP) — ",
    ],
)
def test_datelines_are_dropped(dateline: str) -> None:
    assert strip_dateline(dateline + LEDE) == LEDE
    assert reporting(f"{dateline}{LEDE}\nSecond paragraph.") == f"{LEDE}\nSecond paragraph."


@pytest.mark.parametrize(
    "sentence",
    [
        "SEARCH TEAMS COMBED streets and wrecked buildings on Wednesday.",  # a capitalised lede
        "Iran: three dead as protests spread, the governor said.",  # a headline-like sentence
        "The UN said - without giving details - that aid was on its way.",
        "Officials said: more than 2,000 were dead.",
    ],
)
def test_ordinary_sentences_keep_their_start(sentence: str) -> None:
    assert strip_dateline(sentence) == sentence


@pytest.mark.parametrize(
    "line",
    [
        "By Samy Magdy and Yousef Murad",
        "By Jane Doe, Reuters",
        "BY JOHN ROE",
        "(Reporting by Gabrielle Tétrault-Farber; Editing by Rachel More)",
        "Additional reporting by Jane Doe in Tripoli",
        "© 2023 The Associated Press. All rights reserved.",
        "Copyright 2022 Agence France-Presse",
        "This story has been published from a wire agency feed without modifications to the text.",
        "Recommended: Ten things to know about the storm",
        "Read more: How the dams failed",
        "Also read | Floods in Greece",
        "READ: Libya's two governments",
        "RELATED: Aid arrives in Benghazi",
        "THIS IS A BREAKING NEWS UPDATE. AP's earlier story follows below.",
        "Recommended",
        "AFP",
        "— Associated Press",
    ],
)
def test_furniture_lines_are_dropped(line: str) -> None:
    assert is_furniture(line)
    assert reporting(f"{LEDE}\n{line}\nThe last paragraph.") == f"{LEDE}\nThe last paragraph."


@pytest.mark.parametrize(
    "line",
    [
        "By the time rescuers arrived, the water had reached the second floor.",
        "Read the full statement, the spokesman told reporters, and judge for yourselves.",
        "Recommended evacuation routes were flooded within hours, residents said, and the "
        "army closed the coastal road to all traffic except ambulances and aid convoys, "
        "according to a statement issued late on Tuesday by the interior ministry.",
        "AFP reporters saw bodies lined up outside the hospital.",
    ],
)
def test_reporting_that_looks_like_furniture_is_kept(line: str) -> None:
    assert not is_furniture(line)
    assert line in reporting(f"{LEDE}\n{line}")
