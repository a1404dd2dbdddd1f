"""Relevance of an article to the seed story (pure).

score = cosine(seed, doc) × (1 − ENTITY_WEIGHT + ENTITY_WEIGHT × entity overlap)

* Terms: content words (stop words, digits and words under three letters dropped), reduced to
  their Snowball stem (PyStemmer), counted with a *lead bonus*: a word's count is
  ``1 + LEAD_BOOST · exp(−position / LEAD_WORDS)``, so the headline and first paragraph — where
  news copy says what the story is (inverted pyramid) — weigh up to twice as much as the tail.
  Weights are tf × idf, L2-normalised. Document frequencies come from :class:`TermStats`,
  which the store learns online from every feed entry; with no statistics yet every term
  weighs the same.
* Entities: capitalised name sequences (people, places, organisations) and acronyms. Their
  overlap is the idf-weighted cosine of the stems of the names' words on both sides, so
  "Tokayev" matches "Kassym-Jomart Tokayev" and a shared rare name counts more than "Monday".
* Names *confirm* term similarity rather than add to it: an article with no name in common
  with the seed keeps ``1 − ENTITY_WEIGHT`` (80 %) of its term similarity, one that shares all
  of them keeps 100 %. Sharing only names (a different story about the same people) cannot make
  an article related on its own. On the SemEval-2022 pairs this form ranks pairs better than
  adding the two (see ``bench/similarity.py``).

This is the score against the seed; :mod:`crawler.core.profile` scores against the story's
grown profile the same way and decides what is related. ``shared_terms`` lists the words that
contribute most to the cosine (as written in the article), so the score explains itself.

The story's *key terms* — what the pre-filter looks for in feed entries, and what discovery
asks the news searches for — come from one ranking, :func:`ranked_terms`: seed tf-idf plus
the grown profile (``GROWN_WEIGHT``), names boosted. The pre-filter's names are the seed's
names whose words are among those key terms; news outlets ("ABC News", "Reuters": an
aggregator's attribution, not the story) never count (:data:`MEDIA_NAMES`, kept as data).
"""

from __future__ import annotations

import functools
import math
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import Stemmer

from crawler.core.names import MEDIA_NAMES, STOPWORDS, entities, story_names
from crawler.core.text import words

__all__ = [
    "MEDIA_NAMES",
    "STOPWORDS",
    "Document",
    "KeyTerms",
    "Relevance",
    "TermStats",
    "content_stems",
    "document",
    "entities",
    "entity_overlap",
    "entity_terms",
    "key_terms",
    "needed_terms",
    "passes_prefilter",
    "ranked_terms",
    "relevance",
    "seed_key_terms",
    "stem_words",
    "story_names",
    "strongest_terms",
    "surface_forms",
    "terms",
    "top_terms",
    "vocabulary",
    "weights",
]

ENTITY_WEIGHT = 0.2
LEAD_BOOST = 1.0
LEAD_WORDS = 30.0
PRIOR_DOCS = 50  # pseudo-documents in which every term is assumed absent (smooths idf)
TOP_TERMS = 40
SHARED_TERMS = 10
PREFILTER_MIN_TERMS = 2
PREFILTER_CORE = 10
GROWN_WEIGHT = 1.0  # the grown profile counts as much as the seed
NAME_BOOST = 2.0
_STEMMERS = threading.local()  # a Snowball stemmer is not thread-safe: one per thread


def stem_words(tokens: list[str]) -> list[str]:
    """Snowball stems of ``tokens`` (safe to call from any thread)."""
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        stemmer = _STEMMERS.english = Stemmer.Stemmer("english")
    result: list[str] = stemmer.stemWords(tokens)
    return result


def content_stems(text: str) -> list[str]:
    """The stems of ``text``'s content words, in order (what relevance counts)."""
    return stem_words(_content(text))


@dataclass(frozen=True, slots=True)
class TermStats:
    """Document frequencies: ``df[term]`` documents out of ``docs`` contained ``term``."""

    docs: int = 0
    df: Mapping[str, int] | None = None
    _known: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    def idf(self, term: str) -> float:
        known = self._known.get(term)
        if known is None:  # one judgement asks for the same terms several times
            seen = (self.df or {}).get(term, 0)
            known = self._known[term] = math.log((self.docs + PRIOR_DOCS + 1) / (seen + 1))
        return known


def _content(text: str) -> list[str]:
    return [w for w in words(text) if len(w) > 2 and w not in STOPWORDS and not w.isdigit()]


def terms(text: str) -> dict[str, float]:
    """Lead-weighted counts of the content-word stems of ``text``."""
    counts: dict[str, float] = {}
    for position, stem in enumerate(content_stems(text)):
        counts[stem] = counts.get(stem, 0.0) + 1.0 + LEAD_BOOST * math.exp(-position / LEAD_WORDS)
    return counts


def vocabulary(text: str) -> set[str]:
    """The distinct stems of ``text`` (what document frequencies count)."""
    return set(content_stems(text))


def entity_terms(names: Iterable[str]) -> set[str]:
    """The stems of the words of ``names`` (what entity overlap compares)."""
    if isinstance(names, frozenset):  # a profile's or an article's names: asked for often
        return set(_name_stems(names))
    return set(content_stems(" ".join(names)))


@functools.lru_cache(maxsize=256)
def _name_stems(names: frozenset[str]) -> frozenset[str]:
    return frozenset(content_stems(" ".join(sorted(names))))


def weights(counts: Mapping[str, float], stats: TermStats) -> dict[str, float]:
    """tf × idf weights, L2-normalised."""
    raw = {t: c * stats.idf(t) for t, c in counts.items() if c > 0}
    norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
    return {t: v / norm for t, v in raw.items()}


def entity_overlap(
    seed_entities: Iterable[str], doc_entities: Iterable[str], stats: TermStats
) -> float:
    """idf-weighted cosine of the name words of both sides (0 when either has no names)."""
    seed = weights(dict.fromkeys(entity_terms(seed_entities), 1.0), stats)
    doc = weights(dict.fromkeys(entity_terms(doc_entities), 1.0), stats)
    return min(1.0, sum(w * doc[t] for t, w in seed.items() if t in doc))


@dataclass(frozen=True, slots=True)
class Relevance:
    score: float
    cosine: float
    entity_overlap: float
    shared_terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Document:
    """What relevance needs of an article, worked out once (stems, names, surface forms)."""

    counts: dict[str, float]  # lead-weighted stem counts (:func:`terms`)
    names: frozenset[str]  # its names (:func:`entities`)
    forms: dict[str, str]  # stem → the word the article first writes for it


def document(text: str) -> Document:
    content = _content(text)
    counts: dict[str, float] = {}
    forms: dict[str, str] = {}
    for position, (word, stem) in enumerate(zip(content, stem_words(content), strict=True)):
        counts[stem] = counts.get(stem, 0.0) + 1.0 + LEAD_BOOST * math.exp(-position / LEAD_WORDS)
        forms.setdefault(stem, word)
    return Document(counts, entities(text), forms)


def relevance(
    seed_weights: Mapping[str, float],
    seed_entities: Iterable[str],
    text: str,
    stats: TermStats,
    doc: Document | None = None,
) -> Relevance:
    """Score ``text`` (or its :class:`Document`) against a profile (weights from
    :func:`weights`)."""
    doc = doc or document(text)
    mine = weights(doc.counts, stats)
    contributions = {t: w * mine[t] for t, w in seed_weights.items() if t in mine}
    cosine = min(1.0, sum(contributions.values()))
    overlap = entity_overlap(seed_entities, doc.names, stats)
    top = sorted(contributions, key=lambda t: (-contributions[t], t))[:SHARED_TERMS]
    score = cosine * (1.0 - ENTITY_WEIGHT + ENTITY_WEIGHT * overlap)
    return Relevance(
        score=round(score, 4),
        cosine=round(cosine, 4),
        entity_overlap=round(overlap, 4),
        shared_terms=tuple(doc.forms.get(t, t) for t in top),
    )


def needed_terms(seed_terms: Iterable[str], seed_entities: Iterable[str], text: str) -> set[str]:
    """Every term whose document frequency :func:`relevance` needs for ``text``."""
    return (
        set(seed_terms)
        | vocabulary(text)
        | entity_terms(seed_entities)
        | entity_terms(entities(text))
    )


def surface_forms(text: str, stems: list[str]) -> list[str]:
    """Each stem as the article first writes it ("protests", not "protest")."""
    wanted = set(stems)
    first: dict[str, str] = {}
    content = _content(text)
    for word, stem in zip(content, stem_words(content), strict=True):
        if stem in wanted and stem not in first:
            first[stem] = word
    return [first.get(s, s) for s in stems]


def top_terms(text: str, count: int = 20) -> dict[str, float]:
    """The ``count`` heaviest stems of ``text`` (lead-weighted counts), summing to 1."""
    counts = terms(text)
    top = sorted(counts, key=lambda t: (-counts[t], t))[:count]
    total = sum(counts[t] for t in top) or 1.0
    return {t: counts[t] / total for t in top}


def strongest_terms(seed_weights: Mapping[str, float], count: int = TOP_TERMS) -> list[str]:
    """The heaviest terms by raw weight alone (no idf, no names: see :func:`key_terms`)."""
    return sorted(seed_weights, key=lambda t: (-seed_weights[t], t))[:count]


def ranked_terms(
    seed_terms: Mapping[str, float],
    grown: Mapping[str, float],
    stats: TermStats,
    names: Iterable[str] = (),
) -> list[str]:
    """Profile stems, strongest first: seed tf-idf plus ``GROWN_WEIGHT`` × the grown part,
    words of the seed's names (people, places, organisations; not news outlets) counted
    ``NAME_BOOST`` times: before the feeds have taught newswatch which words are common, a name
    is the safest bet for a specific query. The one ranking behind the pre-filter and
    discovery's queries and re-checks."""
    seed = weights(seed_terms, stats)
    learned = weights(grown, stats) if grown else {}
    boosted = entity_terms(story_names(names))
    score = {
        t: (seed.get(t, 0.0) + GROWN_WEIGHT * learned.get(t, 0.0))
        * (NAME_BOOST if t in boosted else 1.0)
        for t in seed | learned
    }
    return sorted(score, key=lambda t: (-score[t], t))


@dataclass(frozen=True, slots=True)
class KeyTerms:
    """What the pre-filter looks for in a feed entry's title and summary."""

    terms: tuple[str, ...]  # strongest first
    names: frozenset[str]

    def passes(self, title_and_summary: str) -> bool:
        return passes_prefilter(title_and_summary, self.terms, self.names)


def key_terms(ranked: list[str], names: Iterable[str], count: int = TOP_TERMS) -> KeyTerms:
    """The ``count`` strongest of ``ranked`` (:func:`ranked_terms`) and the names with a word
    among them."""
    top = tuple(ranked[:count])
    strong = set(top)
    kept = frozenset(n for n in story_names(names) if entity_terms([n]) & strong)
    return KeyTerms(top, kept)


def seed_key_terms(seed_terms: Mapping[str, float], names: Iterable[str]) -> KeyTerms:
    """Key terms from the seed alone (before any document frequency is known)."""
    return key_terms(ranked_terms(seed_terms, {}, TermStats(), names), names)


def passes_prefilter(
    title_and_summary: str, key_terms: Iterable[str], seed_entities: Iterable[str]
) -> bool:
    """Cheap check on a feed entry (``key_terms`` strongest first): does it name one of the
    seed's people, places or organisations, use one of its ``PREFILTER_CORE`` strongest
    terms, or at least ``PREFILTER_MIN_TERMS`` of the others?

    One shared common word ("build", "support") is not enough: most entries of a world news
    feed share one with any long seed.
    """
    lowered = title_and_summary.lower()
    if any(re.search(rf"\b{re.escape(e)}\b", lowered) for e in seed_entities):
        return True
    found = vocabulary(title_and_summary)
    ranked = list(key_terms)
    if any(t in found for t in ranked[:PREFILTER_CORE]):
        return True
    return sum(t in found for t in set(ranked)) >= PREFILTER_MIN_TERMS
