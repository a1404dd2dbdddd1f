"""The grown story profile (pure): forward decay, core names, relevance that follows the
story without drifting into a neighbouring one."""

from __future__ import annotations

import pytest

from crawler.core.profile import FOLLOW_UP as FOLLOW_UP_SHARE
from crawler.core.profile import (
    HALF_LIFE,
    StoryProfile,
    contribution,
    focus_terms,
    judge,
    proper_names,
)
from crawler.core.relevance import TermStats, vocabulary
from crawler.stages.seed.load import build_profile, read_seed_file
from tests.conftest import SEED_FILE
from tests.newstexts import (
    CHARGES,
    CHARGES_TITLE,
    COMMON_WORDS,
    FOLLOW_UP,
    FOLLOW_UP_TITLE,
    NEIGHBOUR,
    NEIGHBOUR_TITLE,
    SAME_EVENT,
    SAME_EVENT_TITLE,
    WIRE,
    WIRE_TITLE,
)

SEED = build_profile("story", read_seed_file(SEED_FILE))
THRESHOLD = 0.15
DAY = 86_400.0


def grow(articles: list[tuple[str, str, float]], landmark: float = 0.0) -> StoryProfile:
    """The profile after the seed (at the landmark) and ``articles`` (title, text, when)."""
    parts = [contribution(SEED.title, SEED.text, landmark, landmark, 3.0)]
    parts += [contribution(title, text, when, landmark) for title, text, when in articles]
    terms: dict[str, float] = {}
    names: dict[str, float] = {}
    for part in parts:
        for t, w in part.terms.items():
            terms[t] = terms.get(t, 0.0) + w
        for n, w in part.names.items():
            names[n] = names.get(n, 0.0) + w
    return StoryProfile(terms, names, sum(p.mass for p in parts))


def stats() -> TermStats:
    """Document frequencies as the feeds would teach them: the story's texts and others."""
    texts = [WIRE_TITLE, *WIRE, SAME_EVENT_TITLE, *SAME_EVENT, *COMMON_WORDS, NEIGHBOUR_TITLE]
    df: dict[str, int] = {}
    for text in texts:
        for term in vocabulary(text):
            df[term] = df.get(term, 0) + 1
    return TermStats(len(texts), df)


STORY = [
    (WIRE_TITLE, "\n".join(WIRE), 1 * DAY),
    (SAME_EVENT_TITLE, "\n".join(SAME_EVENT), 6 * DAY),
]


def test_newer_reporting_weighs_more_and_the_clock_does_not_matter() -> None:
    early = contribution(WIRE_TITLE, "\n".join(WIRE), 0.0, 0.0)
    later = contribution(WIRE_TITLE, "\n".join(WIRE), HALF_LIFE, 0.0)
    assert later.mass == pytest.approx(2 * early.mass)
    # only ratios are read: the same story replayed a year later has the same profile
    now, year_later = grow(STORY), grow([(t, x, w + 365 * DAY) for t, x, w in STORY], 365 * DAY)
    assert now.core_names() == year_later.core_names()
    assert focus_terms(now, stats()) == focus_terms(year_later, stats())


def test_core_names_are_what_most_of_the_story_mentions() -> None:
    core = grow(STORY).core_names()
    assert {"kazakhstan", "tokayev", "almaty"} <= core
    assert "zhanaozen" not in core  # named once, by an older article
    assert "alexander lukashenko" in core  # the seed still weighs a lot after two articles…
    later = grow([*STORY, *((SAME_EVENT_TITLE, "\n".join(SAME_EVENT), d * DAY) for d in (9, 12))])
    assert "alexander lukashenko" not in later.core_names()  # …not once the story moved on
    assert {"kazakhstan", "tokayev", "almaty"} <= later.core_names()


def test_capitalised_common_words_are_not_names() -> None:
    text = "People fled. At least 40 people died, the Ministry said. The ministry of Almaty."
    assert proper_names(text) == frozenset({"almaty"})


def test_a_follow_up_is_related_through_the_grown_profile() -> None:
    body = "\n".join(FOLLOW_UP)
    seed_only = judge(SEED.terms, SEED.entities, grow([]), FOLLOW_UP_TITLE, body, stats())
    assert not seed_only.related(THRESHOLD)  # the seed alone has lost the story by now
    charges = (CHARGES_TITLE, "\n".join(CHARGES), 14 * DAY)
    grown = judge(
        SEED.terms, SEED.entities, grow([*STORY, charges]), FOLLOW_UP_TITLE, body, stats()
    )
    assert grown.grown is not None and grown.grown.score > seed_only.best
    assert {"kazakhstan", "almaty"} & set(grown.anchors)
    assert grown.related(THRESHOLD)
    assert grown.follow_up or grown.score >= THRESHOLD
    assert grown.grown.score >= FOLLOW_UP_SHARE * THRESHOLD


def test_a_neighbouring_story_in_the_same_words_is_not_related() -> None:
    body = "\n".join(NEIGHBOUR)
    judged = judge(SEED.terms, SEED.entities, grow(STORY), NEIGHBOUR_TITLE, body, stats())
    assert judged.grown is not None and judged.grown.score >= THRESHOLD  # the words match…
    assert judged.anchors == ()  # …but the lead names none of the story's places or people
    assert not judged.related(THRESHOLD)
    assert judged.best >= THRESHOLD  # kept as a near miss, with its score and terms


def test_the_seed_score_needs_one_of_the_seed_names_in_the_lead() -> None:
    body = "\n".join(SAME_EVENT)
    judged = judge(SEED.terms, SEED.entities, grow([]), SAME_EVENT_TITLE, body, stats())
    assert judged.basis == "seed" and judged.related(THRESHOLD)
    anonymous = body
    for name in ("Kassym-Jomart Tokayev", "Kazakhstan", "Tokayev", "Almaty", "Russian"):
        anonymous = anonymous.replace(name, "the")
    anonymous = anonymous.replace("Collective Security Treaty Organization", "alliance")
    unnamed = judge(SEED.terms, SEED.entities, grow([]), "Troops begin leaving", anonymous, stats())
    assert unnamed.seed.score > 0 and unnamed.basis != "seed"
