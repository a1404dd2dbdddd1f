"""The story's profile as it develops, and relevance to it (pure).

A seed is one early report; two weeks later the story is about death-toll updates,
investigations, aid and arrests, which share little vocabulary with it. So every article
judged related adds to the story's *grown profile*:

* its strongest terms (:func:`crawler.core.relevance.top_terms`, summing to 1) and
* the names it mentions (people, places, organisations; news outlets left out),

each weighted ``2 ** ((t − landmark) / HALF_LIFE)`` where ``t`` is when the article was
published (else when it was fetched) and ``landmark`` the time of the story's first
contribution. This is *forward decay*: newer reporting weighs exponentially more, and since
only ratios are ever read (normalised term weights, a name's share of the contributions),
nothing has to be rewritten as time passes and the profile is the same whatever the wall
clock says — a replay of old reporting ages exactly as the story did. The seed itself is the
first contribution, counted ``SEED_WEIGHT`` times.

**Relevance to the grown profile** is the same score as relevance to the seed
(:func:`crawler.core.relevance.relevance`: tf-idf cosine confirmed by names), with the grown
terms in place of the seed's and the *core names* in place of the seed's names. The core
names are those mentioned by at least ``CORE_SHARE`` of the (decayed) contributions — the
places and people the story is about now ("Derna", "Libya"), not everyone it mentioned once.

**Guard against drift.** The grown profile may make an article related only when its headline
or lead (the first ``LEAD_WORDS`` words) names one of the core names: a neighbouring story
(another flood, another country's protests) shares the vocabulary of the event type but not
the story's places and people. The seed's own score needs the same: a name in common with the
seed (names *confirm* term similarity), and its headline or lead naming one of the story's
core names (while the profile is only the seed, one of the seed's names) — an earthquake
elsewhere that the seed's words describe well is not the story. So a short follow-up that
names the story's place and uses its words stays related, while an article about a similar
event elsewhere does not.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from crawler.core.names import names_in, proper_names, story_names
from crawler.core.relevance import (
    Relevance,
    TermStats,
    document,
    entity_terms,
    needed_terms,
    relevance,
    top_terms,
    vocabulary,
    weights,
)

HALF_LIFE = 7 * 86_400.0  # seconds: a week-old article weighs half as much as today's
CORE_SHARE = 0.3
LEAD_WORDS = 60
SEED_WEIGHT = 3.0
GROWN_TERMS = 20  # terms each related article adds
PROFILE_TERMS = 300  # the strongest grown terms and names a judgement uses
FOCUS_TERMS = 10  # the grown profile's strongest terms that are not names: what happens
FOLLOW_UP = 0.7
NEAR_MISS = 0.5  # an unrelated article scoring at least this share of the threshold is kept
MAX_EXPONENT = 1000.0  # 2**1000 < float max: ~19 years of a story at HALF_LIFE = 7 days


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one related article adds to the grown profile (weights already decayed)."""

    terms: dict[str, float]
    names: dict[str, float]
    mass: float


@dataclass(frozen=True, slots=True)
class StoryProfile:
    """The grown profile: stem → weight, name → weight, and the contributions' total weight."""

    terms: Mapping[str, float]
    names: Mapping[str, float]
    mass: float

    def core_names(self) -> frozenset[str]:
        if self.mass <= 0:
            return frozenset()
        return frozenset(n for n, w in self.names.items() if w / self.mass >= CORE_SHARE)


EMPTY = StoryProfile({}, {}, 0.0)


def strongest(terms: Mapping[str, float], names: Mapping[str, float], mass: float) -> StoryProfile:
    """A profile of the ``PROFILE_TERMS`` heaviest terms and names (the long tail weighs
    nothing next to them, and every term costs a document-frequency lookup)."""
    return StoryProfile(
        dict(heapq.nlargest(PROFILE_TERMS, terms.items(), key=lambda kv: (kv[1], kv[0]))),
        dict(heapq.nlargest(PROFILE_TERMS, names.items(), key=lambda kv: (kv[1], kv[0]))),
        mass,
    )


def decay_factor(when: float, landmark: float) -> float:
    """Forward-decay weight of a contribution made at ``when`` (seconds)."""
    return float(2.0 ** min(MAX_EXPONENT, (when - landmark) / HALF_LIFE))


def contribution(
    title: str, text: str, when: float, landmark: float, weight: float = 1.0
) -> Contribution:
    """What an article (``title``, ``text``), published at ``when``, adds to the profile."""
    factor = weight * decay_factor(when, landmark)
    terms = {t: w * factor for t, w in top_terms(f"{title}\n{text}", GROWN_TERMS).items()}
    names = dict.fromkeys(proper_names(text), factor)
    return Contribution(terms, names, factor)


def lead(title: str, text: str) -> str:
    return " ".join(f"{title}\n{text}".split()[: LEAD_WORDS + len(title.split())])


@dataclass(frozen=True, slots=True)
class Judgement:
    """Relevance to the story: the score that counts and where it came from."""

    score: float  # the higher of the two scores that may count (0 when neither may)
    seed: Relevance
    grown: Relevance | None
    anchors: tuple[str, ...]  # core names in the headline or lead
    basis: str  # "seed" | "profile" | "" (neither may count)
    follow_up: bool = False  # the headline names a core name and one of the story's focus terms

    def related(self, threshold: float) -> bool:
        """Is the article related at ``threshold`` (the story's ``min_relevance``)? A
        follow-up whose headline names the story's place or people and its focus needs
        ``FOLLOW_UP`` × the threshold from the grown profile."""
        if self.score >= threshold:
            return True
        grown = self.grown.score if self.grown is not None and self.anchors else 0.0
        return self.follow_up and grown >= FOLLOW_UP * threshold

    @property
    def shared_terms(self) -> tuple[str, ...]:
        best = self.grown if self.basis == "profile" and self.grown else self.seed
        return best.shared_terms

    @property
    def best(self) -> float:
        """The higher raw score, whether or not it may count (for near misses)."""
        return max(self.seed.score, self.grown.score if self.grown else 0.0)


def wanted_terms(
    seed_terms: Iterable[str], seed_names: Iterable[str], profile: StoryProfile, text: str
) -> set[str]:
    """Every term whose document frequency :func:`judge` needs for ``text``."""
    return needed_terms(seed_terms, seed_names, text) | needed_terms(
        profile.terms, profile.core_names(), text
    )


def judge(
    seed_terms: Mapping[str, float],
    seed_names: Iterable[str],
    profile: StoryProfile,
    title: str,
    text: str,
    stats: TermStats,
) -> Judgement:
    """Relevance of an article (``title``, ``text``) to the seed and to the grown profile."""
    doc = document(f"{title}\n{text}")
    seed = relevance(weights(seed_terms, stats), seed_names, "", stats, doc)
    core = profile.core_names()
    grown_weights = weights(profile.terms, stats)
    grown = relevance(grown_weights, core, "", stats, doc) if profile.terms else None
    opening = lead(title, text)
    anchors = tuple(names_in(opening, core))
    named = anchors if core else tuple(names_in(opening, story_names(seed_names)))
    by_seed = seed.score if seed.entity_overlap > 0 and named else 0.0
    by_grown = grown.score if grown is not None and anchors else 0.0
    score = max(by_seed, by_grown)
    basis = "" if score <= 0 else ("seed" if by_seed >= by_grown else "profile")
    follow_up = bool(names_in(title, core)) and bool(
        vocabulary(title) & set(_focus(grown_weights, core))
    )
    return Judgement(round(score, 4), seed, grown, anchors, basis, follow_up)


def focus_terms(profile: StoryProfile, stats: TermStats) -> list[str]:
    """The grown profile's ``FOCUS_TERMS`` strongest terms (tf-idf) that are not words of its
    core names: what the story is about now ("flood", "dam", "toll"), not where."""
    return _focus(weights(profile.terms, stats), profile.core_names())


def _focus(grown: Mapping[str, float], core: Iterable[str]) -> list[str]:
    named = entity_terms(core)
    ranked = sorted((t for t in grown if t not in named), key=lambda t: (-grown[t], t))
    return ranked[:FOCUS_TERMS]
