"""Relevance of an article to the seed story (pure).

score = TERM_WEIGHT · cosine(seed, doc) + ENTITY_WEIGHT · entity overlap

* Terms: content words (stop words dropped, a light plural fold), weighted by sublinear tf ×
  idf. Document frequencies come from :class:`TermStats`, which the store learns online from
  every feed entry; with no statistics yet every term weighs the same.
* Entities: capitalised name sequences (people, places, organisations) as lower-case strings.
  overlap = shared entities / min(ENTITY_SATURATION, entities of the smaller side).

An article is *related* when ``score >= story.min_relevance``; ``shared_terms`` lists the
terms that contribute most to the cosine, so the score explains itself.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources

from crawler.core.text import sentences, words

TERM_WEIGHT = 0.7
ENTITY_WEIGHT = 0.3
ENTITY_SATURATION = 8
PRIOR_DOCS = 50  # pseudo-documents in which every term is assumed absent (smooths idf)
TOP_TERMS = 40

STOPWORDS = frozenset(
    w
    for line in resources.files("crawler.data")
    .joinpath("stopwords-en.txt")
    .read_text()
    .splitlines()
    if not line.startswith("#")
    for w in line.split()
)
# words that open a name sequence without being part of the name
NAME_PREFIXES = frozenset(
    """the a an president general gen prime minister foreign interior defence defense mr mrs ms
    dr sen senator rep king queen prince pope chancellor secretary spokesman spokeswoman
    former acting deputy vice chief""".split()
)
_POSSESSIVE = re.compile(r"[’']s\b")
_NAME = re.compile(
    r"\b([A-Z][\w’'-]*[a-z0-9][\w’'-]*|[A-Z]{2,6})(?:\s+(?:[A-Z][\w’'-]*[a-z][\w’'-]*|[A-Z]{2,6}))*"
)


@dataclass(frozen=True, slots=True)
class TermStats:
    """Document frequencies: ``df[term]`` documents out of ``docs`` contained ``term``."""

    docs: int = 0
    df: Mapping[str, int] | None = None

    def idf(self, term: str) -> float:
        seen = (self.df or {}).get(term, 0)
        return math.log((self.docs + PRIOR_DOCS + 1) / (seen + 1))


def terms(text: str) -> Counter[str]:
    """Content-word counts of ``text``."""
    return Counter(
        _fold(w) for w in words(text) if len(w) > 2 and w not in STOPWORDS and not w.isdigit()
    )


def _fold(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def entities(text: str) -> frozenset[str]:
    """Capitalised name sequences and acronyms, lower-cased, possessives dropped.

    A single capitalised word that opens a sentence is skipped (it is capitalised for grammar).
    """
    found = set()
    for sentence in sentences(text):
        for match in _NAME.finditer(sentence):
            tokens = _POSSESSIVE.sub("", match.group(0)).split()
            while tokens and tokens[0].lower() in NAME_PREFIXES:
                tokens.pop(0)
            if not tokens:
                continue
            if match.start() == 0 and len(tokens) == 1 and not tokens[0].isupper():
                continue
            lowered = " ".join(tokens).lower()
            if lowered not in STOPWORDS:
                found.add(lowered)
    return frozenset(found)


def weights(counts: Mapping[str, float], stats: TermStats) -> dict[str, float]:
    """Sublinear tf × idf weights, L2-normalised."""
    raw = {t: (1.0 + math.log(c)) * stats.idf(t) for t, c in counts.items() if c > 0}
    norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
    return {t: v / norm for t, v in raw.items()}


@dataclass(frozen=True, slots=True)
class Relevance:
    score: float
    cosine: float
    entity_overlap: float
    shared_terms: tuple[str, ...]


def relevance(
    seed_weights: Mapping[str, float],
    seed_entities: Iterable[str],
    text: str,
    stats: TermStats,
) -> Relevance:
    """Score ``text`` against a seed profile (weights from :func:`weights`)."""
    doc = weights(terms(text), stats)
    contributions = {t: w * doc[t] for t, w in seed_weights.items() if t in doc}
    cosine = sum(contributions.values())
    seed_set = frozenset(seed_entities)
    doc_entities = entities(text)
    shared = seed_set & doc_entities
    denominator = min(ENTITY_SATURATION, len(seed_set), len(doc_entities)) or 1
    overlap = min(1.0, len(shared) / denominator)
    top = sorted(contributions, key=lambda t: -contributions[t])[:10]
    return Relevance(
        score=round(TERM_WEIGHT * cosine + ENTITY_WEIGHT * overlap, 4),
        cosine=round(cosine, 4),
        entity_overlap=round(overlap, 4),
        shared_terms=tuple(top),
    )


def strongest_terms(seed_weights: Mapping[str, float], count: int = TOP_TERMS) -> list[str]:
    """The seed's heaviest terms (for the pre-filter and discovery queries)."""
    return sorted(seed_weights, key=lambda t: -seed_weights[t])[:count]


def passes_prefilter(
    title_and_summary: str, key_terms: Iterable[str], seed_entities: Iterable[str]
) -> bool:
    """Cheap check on a feed entry: does it mention any of the seed's key terms or names?"""
    counts = terms(title_and_summary)
    if any(t in counts for t in key_terms):
        return True
    lowered = title_and_summary.lower()
    return any(e in lowered for e in seed_entities)
