"""Relevance to the seed: profile, online document frequencies, score, explanation, pre-filter."""

from __future__ import annotations

import pytest

from crawler.config import StoryConfig
from crawler.core.relevance import (
    ENTITY_WEIGHT,
    TermStats,
    passes_prefilter,
    relevance,
    strongest_terms,
    vocabulary,
    weights,
)
from crawler.demo.stories import UNRELATED, UNRELATED_TITLE
from crawler.models import SeedProfile
from crawler.stages.seed.load import build_profile, read_seed_file
from crawler.store import Store
from tests.conftest import SEED_FILE
from tests.newstexts import (
    COMMON_WORDS,
    COMMON_WORDS_TITLE,
    SAME_EVENT,
    SAME_EVENT_TITLE,
    WIRE,
)

THRESHOLD = StoryConfig.model_fields["min_relevance"].default
SAME = "\n".join([SAME_EVENT_TITLE, *SAME_EVENT])
COMMON = "\n".join([COMMON_WORDS_TITLE, *COMMON_WORDS])
CITY = "\n".join([UNRELATED_TITLE, *UNRELATED])


@pytest.fixture(scope="module")
def profile() -> SeedProfile:
    return build_profile("story", read_seed_file(SEED_FILE))


def _score(profile: SeedProfile, text: str, stats: TermStats) -> float:
    return relevance(weights(profile.terms, stats), profile.entities, text, stats).score


def test_profile_has_weighted_terms_and_names(profile: SeedProfile) -> None:
    top = strongest_terms(profile.terms, 15)
    assert {"kazakhstan", "tokayev", "protest"} <= set(top)
    # people, places, organisations
    assert {"kassym-jomart tokayev", "putin", "karim masimov"} <= profile.entities
    assert {"almaty", "kazakhstan", "belarus"} <= profile.entities
    assert {"csto", "collective security treaty organization"} <= profile.entities
    # the headline and lead weigh more than the same word at the end
    assert profile.terms["tokayev"] > profile.terms["almati"]


async def test_document_frequencies_are_learned_online(store: Store, profile: SeedProfile) -> None:
    entries = [*WIRE, *SAME_EVENT, *COMMON_WORDS, *UNRELATED]  # feed summaries, one per entry
    async with store.transaction() as pipe:
        store.terms.queue_learn(pipe, [vocabulary(e) for e in entries])
        await pipe.execute()
    stats = await store.terms.stats({"said", "tokayev", "council", "smailov"})
    assert stats.docs == len(entries)
    assert stats.df is not None and stats.df["council"] > stats.df["smailov"]
    assert stats.idf("council") < stats.idf("smailov") < stats.idf("never-seen")


@pytest.mark.parametrize("learned", [False, True], ids=["cold-start", "df-learned"])
async def test_same_event_related_common_words_unrelated(
    store: Store, profile: SeedProfile, learned: bool
) -> None:
    if learned:  # what the feeds delivered so far: these articles' paragraphs
        async with store.transaction() as pipe:
            docs = [*WIRE, *SAME_EVENT, *COMMON_WORDS, *UNRELATED, profile.text]
            store.terms.queue_learn(pipe, [vocabulary(d) for d in docs])
            await pipe.execute()
    for text, related in ((SAME, True), ("\n".join(WIRE), True), (COMMON, False), (CITY, False)):
        stats = await store.terms.stats(set(profile.terms) | vocabulary(text))
        score = _score(profile, text, stats)
        assert (score >= THRESHOLD) == related, (text[:40], score)


def test_common_words_score_well_below_the_same_event(profile: SeedProfile) -> None:
    stats = TermStats()
    assert _score(profile, SAME, stats) > 2 * _score(profile, COMMON, stats)


def test_shared_terms_explain_the_score(profile: SeedProfile) -> None:
    stats = TermStats()
    result = relevance(weights(profile.terms, stats), profile.entities, SAME, stats)
    assert 0 < result.score <= result.cosine <= 1
    assert len(result.shared_terms) == 10
    seed_words = set(profile.text.lower().split()) | set(profile.title.lower().split())
    for term in result.shared_terms:  # words as written, found on both sides
        assert term in SAME.lower()
        assert any(w.startswith(term[:5]) for w in seed_words)
    assert {"tokayev", "kazakhstan", "troops"} <= set(result.shared_terms)


def test_names_confirm_terms_but_cannot_replace_them(profile: SeedProfile) -> None:
    stats = TermStats()
    result = relevance(weights(profile.terms, stats), profile.entities, SAME, stats)
    expected = result.cosine * (1 - ENTITY_WEIGHT + ENTITY_WEIGHT * result.entity_overlap)
    assert result.score == pytest.approx(expected, abs=1e-3)
    assert result.entity_overlap > 0.3
    # the same wording without the names scores lower
    anonymous = SAME
    for name in ("Kassym-Jomart Tokayev", "Tokayev", "Nursultan Nazarbayev", "Karim Masimov"):
        anonymous = anonymous.replace(name, "the official")
    assert relevance(weights(profile.terms, stats), profile.entities, anonymous, stats).score < (
        result.score
    )
    # a list of the seed's names in an unrelated piece is not enough
    gossip = (
        "Concert review\nThe orchestra played Tchaikovsky in a packed hall on Friday night. "
        "The audience included fans who had travelled from Almaty and Minsk, and the "
        "conductor dedicated the encore to his teacher. Tickets for the spring season go on "
        "sale next week, the hall said."
    )
    assert _score(profile, gossip, stats) < THRESHOLD


@pytest.mark.parametrize(
    ("entry", "passes"),
    [
        ("Kazakhstan says at least 164 killed in week of unrest", True),  # a name
        ("Tokayev sacks government", True),  # a name
        ("Death toll rises after week of unrest", True),  # one of the strongest terms
        ("Troops guard airport as protests spread", True),  # strong terms
        ("City council approves network of protected cycle lanes", False),
        ("Stock markets close higher on tech rally", False),
        ("Recipe: a winter soup for the whole family", False),
    ],
)
def test_prefilter(profile: SeedProfile, entry: str, passes: bool) -> None:
    assert passes_prefilter(entry, strongest_terms(profile.terms), profile.entities) == passes
