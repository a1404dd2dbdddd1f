"""Numbers, the vocabulary and its ``[facts]`` extensions, and an article's own figure per key."""

from __future__ import annotations

import pytest

from crawler.config import settings_from_mapping
from crawler.core.facts import DEFAULT_VOCABULARY, Vocabulary, article_totals, extract_facts
from crawler.core.facts.numbers import find_quantities
from crawler.errors import ConfigError


@pytest.mark.parametrize(
    ("text", "value", "qualifier", "low", "high"),
    [
        ("8,000", 8000, "", 8000, 8000),
        ("7 939", 7939, "", 7939, 7939),
        ("1,234,567", 1_234_567, "", 1_234_567, 1_234_567),
        ("2.3 million", 2_300_000, "", 2_300_000, 2_300_000),
        ("1.5m", 1_500_000, "", 1_500_000, 1_500_000),
        ("two", 2, "", 2, 2),
        ("twenty-five", 25, "", 25, 25),
        ("Forty two", 42, "", 42, 42),
        ("three hundred", 300, "", 300, 300),
        ("a dozen", 12, "a dozen", 12, None),
        ("dozens", 24, "dozens", 24, None),
        ("hundreds", 200, "hundreds", 200, None),
        ("thousands", 2000, "thousands", 2000, None),
        ("tens of thousands", 20_000, "tens of thousands", 20_000, None),
        ("at least 164", 164, "at least", 164, None),
        ("more than 160", 160, "more than", 160, None),
        ("over 100", 100, "over", 100, None),
        ("nearly 8,000", 8000, "nearly", None, 8000),
        ("almost 300", 300, "almost", None, 300),
        ("up to 30", 30, "up to", None, 30),
        ("as many as 40", 40, "as many as", None, 40),
        ("fewer than 10", 10, "fewer than", None, 10),
        ("about 40", 40, "about", None, None),
        ("around 200", 200, "around", None, None),
        ("some 1,500", 1500, "some", None, None),
        ("5,000 to 6,000", 6000, "between", 5000, 6000),
        ("between 18,000 and 20,000", 20_000, "between", 18_000, 20_000),
        ("5,000-6,000", 6000, "between", 5000, 6000),
    ],
)
def test_numbers_and_qualifier_bounds(
    text: str, value: float, qualifier: str, low: float | None, high: float | None
) -> None:
    [quantity] = list(find_quantities(f"Officials said {text} were there."))
    assert (quantity.value, quantity.qualifier, quantity.low, quantity.high) == (
        value,
        qualifier,
        low,
        high,
    )


@pytest.mark.parametrize(
    ("text", "quantity"),
    [
        ("225", "exact"),
        ("at least 164", "bounded"),
        ("nearly 8,000", "bounded"),
        ("about 40", "bounded"),
        ("5,000 to 6,000", "bounded"),
        ("dozens", "vague"),
        ("scores", "vague"),
        ("hundreds", "vague"),
        ("thousands", "vague"),
        ("tens of thousands", "vague"),
        ("several", "vague"),
        ("a number of", "vague"),
        ("more than a dozen", "vague"),
    ],
)
def test_kind_of_quantity(text: str, quantity: str) -> None:
    [found] = list(find_quantities(f"Officials said {text} people were killed."))
    assert found.quantity == quantity


def test_a_change_from_one_figure_to_another_is_not_a_range() -> None:
    facts = extract_facts("The death toll rose from 164 to 225, officials said.", 2022)
    assert [(f.value, f.role) for f in facts] == [(164, "previous"), (225, "total")]


@pytest.mark.parametrize(
    "text", ["a 24-year-old", "a three-day curfew", "40%", "12 per cent", "No. 5"]
)
def test_not_counts(text: str) -> None:
    counted = [q.value for q in find_quantities(f"They said {text} mattered.")]
    assert counted in ([], [5.0])  # "No. 5" is a number, but never a count of people
    assert not extract_facts(f"Police said {text} were killed.", 2022)


def test_an_articles_figure_is_its_largest_precise_current_mention() -> None:
    facts = extract_facts(
        "Dozens were feared dead on Monday. Two people died in hospital overnight, bringing "
        "the death toll to 31, up from 24. Three more people died on Monday. Officials fear the "
        "toll could rise to 50.",
        2022,
    )
    assert [(f.value, f.role) for f in facts if f.precise] == [
        (2, "total"), (31, "total"), (24, "previous"), (3, "total"), (50, "projection"),
    ]  # fmt: skip
    assert article_totals(facts)["killed|people"].value == 31  # not the first, not history


def test_a_vague_figure_stands_only_when_nothing_precise_does() -> None:
    assert not article_totals(extract_facts("Dozens were killed.", 2022))["killed|people"].precise
    both = extract_facts("Dozens were killed. At least 12 people were killed.", 2022)
    assert article_totals(both)["killed|people"].value == 12


def test_background_depends_on_the_articles_year() -> None:
    sentence = "In 2019, 12 people died in similar protests."
    assert [f.role for f in extract_facts(sentence, 2022)] == ["other-event"]
    assert [(f.value, f.role) for f in extract_facts(sentence, 2019)] == [(12, "total")]
    # unknown year: a dated sentence is background
    assert [f.role for f in extract_facts(sentence, None)] == ["other-event"]


def test_vocabulary_extension_adds_kinds_words_and_subjects() -> None:
    vocabulary = DEFAULT_VOCABULARY.extended(
        words={"kidnapped": ["abducted"], "killed": ["slaughtered"]},
        verbs={"kidnapped": ["abducted", "kidnapping"]},
        totals={"killed": ["body count"]},
        subjects={"Gendarmes": "Police", "villagers": "civilians"},
    )
    assert vocabulary != DEFAULT_VOCABULARY and "kidnapped" in vocabulary.kinds
    text = (
        "Gunmen abducted 40 students from a school. Twelve villagers were slaughtered. "
        "The body count rose to 15. Three gendarmes were wounded."
    )
    got = [(f.kind, f.subject, f.value) for f in extract_facts(text, 2022, vocabulary)]
    assert got == [
        ("kidnapped", "students", 40),
        ("killed", "civilians", 12),
        ("killed", "people", 15),
        ("injured", "police", 3),
    ]
    assert [f.kind for f in extract_facts(text, 2022)] == ["injured"]  # built-in: none of it
    assert Vocabulary() == DEFAULT_VOCABULARY  # hashable and comparable: rules are cached


def test_facts_config_builds_the_vocabulary() -> None:
    settings = settings_from_mapping(
        {
            "story": [{"id": "s", "seed": "x"}],
            "facts": {"words": {"kidnapped": ["abducted"]}, "subjects": {"gendarmes": "police"}},
        }
    )
    assert "kidnapped" in settings.facts.vocabulary().kinds
    plain = settings_from_mapping({"story": [{"id": "s", "seed": "x"}]})
    assert plain.facts.vocabulary() is DEFAULT_VOCABULARY


@pytest.mark.parametrize(
    ("facts", "key", "hint"),
    [
        ({"words": {"Killed": ["x"]}}, "facts.words", "lower-case"),
        ({"verbs": {"killed": ["123"]}}, "facts.verbs", "not a word"),
        ({"subjects": {"gendarmes": " "}}, "facts.subjects", "non-empty"),
        ({"nouns": {"killed": ["x"]}}, "facts.nouns", "unknown key"),
        ({"words": {"killed": "slain"}}, "facts.words.killed", "tuple"),
    ],
)
def test_facts_config_errors_name_the_key(facts: dict[str, object], key: str, hint: str) -> None:
    with pytest.raises(ConfigError) as error:
        settings_from_mapping({"story": [{"id": "s", "seed": "x"}], "facts": facts})
    assert key in str(error.value) and hint in str(error.value)
