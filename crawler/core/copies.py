"""How two articles' reporting compares, and when one is a copy of the other (pure).

:func:`compare` gives a :class:`Likeness`: the exact Jaccard *similarity* and *containment*
of the word 3-gram sets (:mod:`crawler.core.dedup`), and sentence *coverage* in both
directions — the share of the text with fewer sentences whose sentences have a near match in
the other (``SENTENCE_MATCH`` of a sentence's content stems in one sentence of the other; see
:mod:`crawler.core.sketch`), and the same share of the other text; and how many sentences
were *kept*: (almost) identical in both (``SENTENCE_SAME`` of the stems, both ways). A re-spin
keeps some of the wire's sentences as they were; an agency's next story on the same event
rewrites every sentence it carries over (another day, another figure). :func:`copy_rule` says
which of the :data:`COPY_RULES` (kept as data) holds, if any. The real copy and non-copy pairs
behind every bound are in ``tests/test_copies_real.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crawler.core.dedup import (
    CONTAINMENT_THRESHOLD,
    MIN_SHINGLES,
    Fingerprint,
    shingle_measures,
)
from crawler.core.sketch import overlap

# a sentence has a near match when this share of its content stems is in one sentence of the
# other text; an (almost) identical counterpart shares this share both ways
SENTENCE_MATCH = 0.6
SENTENCE_SAME = 0.9
# sentences are compared only when this share of the smaller text's 3-grams is shared (the
# real re-spun copies of the dev corpora share at least 0.2; topical neighbours 0.02–0.1)
MIN_CONTAINMENT_FOR_SENTENCES = 0.08


@dataclass(frozen=True, slots=True)
class Likeness:
    """How two articles' reporting compares; ``changed`` counts the *first* one's sentences."""

    similarity: float  # estimated Jaccard of word 3-grams (1.0: the same words)
    containment: float  # estimated share of the smaller text's 3-grams in the larger
    covered: float  # share of the text with fewer sentences that has a near match
    covered_other: float  # the same share of the text with more sentences
    matched: int  # sentences of the text with fewer sentences that have a near match
    changed: int  # sentences of the first text without an (almost) identical counterpart
    exact: bool = False
    kept: int = 0  # sentences (almost) identical in both texts

    def to_json(self) -> dict[str, float | int]:
        return {
            "similarity": round(self.similarity, 4),
            "containment": round(self.containment, 4),
            "changed_sentences": self.changed,
        }


def compare(a: Fingerprint, b: Fingerprint) -> Likeness:
    """The :class:`Likeness` of ``a`` to ``b``."""
    if a.exact == b.exact and a.size:
        return Likeness(1.0, 1.0, 1.0, 1.0, a.sketch.count, 0, True, a.sketch.count)
    jaccard, contained = shingle_measures(a, b)
    if contained < MIN_CONTAINMENT_FOR_SENTENCES:  # nothing in common worth a closer look
        return Likeness(jaccard, contained, 0.0, 0.0, 0, a.sketch.count)
    shared = overlap(a.sketch, b.sketch)
    if not shared.size:
        return Likeness(jaccard, contained, 0.0, 0.0, 0, a.sketch.count)
    rows = shared / np.maximum(a.sketch.lengths, 1)[:, None]  # a's sentence contained in b's
    cols = shared / np.maximum(b.sketch.lengths, 1)[None, :]
    a_near = rows.max(axis=1) >= SENTENCE_MATCH
    b_near = cols.max(axis=0) >= SENTENCE_MATCH
    same = (rows >= SENTENCE_SAME) & (cols >= SENTENCE_SAME)
    changed = int(np.count_nonzero(~same.any(axis=1)))
    kept = min(a.sketch.count - changed, int(np.count_nonzero(same.any(axis=0))))
    fewer, more = (a_near, b_near) if a.sketch.count < b.sketch.count else (b_near, a_near)
    if a.sketch.count == b.sketch.count and a_near.mean() > b_near.mean():  # symmetric
        fewer, more = a_near, b_near
    return Likeness(
        jaccard,
        contained,
        float(fewer.mean()),
        float(more.mean()),
        int(np.count_nonzero(fewer)),
        changed,
        kept=kept,
    )


@dataclass(frozen=True, slots=True)
class CopyRule:
    """One way of being a copy: every bound must hold (``None``: the story's
    ``duplicate_similarity``)."""

    name: str
    similarity: float | None = 0.0
    containment: float = 0.0
    covered: float = 0.0
    covered_other: float = 0.0
    covered_mean: float = 0.0
    matched: int = 0
    kept: int = 0

    def holds(self, like: Likeness, min_resemblance: float) -> bool:
        similarity = min_resemblance if self.similarity is None else self.similarity
        return (
            like.similarity >= similarity
            and like.containment >= self.containment
            and like.covered >= self.covered
            and like.covered_other >= self.covered_other
            and (like.covered + like.covered_other) / 2 >= self.covered_mean
            and like.matched >= self.matched
            and like.kept >= self.kept
        )


# The ways of being a copy, tried in order (kept as data). "Sentences" are the texts' sentence
# sketches (quotations left out); "covered" is the share of the text with fewer sentences that
# has a near match in the other, "covered_other" the same share of the other text. The bounds
# come from the real copy and non-copy pairs of the dev corpora (tests/test_copies_real.py).
COPY_RULES = (
    # near-verbatim: most of the smaller text's 3-grams are in the larger (truncated/extended)
    CopyRule("verbatim", containment=CONTAINMENT_THRESHOLD),
    # resemblance of the 3-grams (the story's duplicate_similarity), confirmed by the
    # sentences: different reports of one statement share long verbatim quotations
    CopyRule("resemblance", similarity=None, covered_mean=0.5),
    # a shortened copy: nearly every sentence of the shorter text is in the longer, mostly in
    # the same words (a brief rewritten from a longer report keeps the sentences, not the words)
    CopyRule("shortened", containment=0.6, covered=0.75),
    # an edited copy: the lede rewritten, the body kept — half of the 3-grams, three quarters
    # of the sentences, and at least five of them (a five-line brief is not an edited copy)
    CopyRule("edited", containment=0.5, covered=0.75, matched=5),
    # re-spun: synonyms swapped, clauses moved; most sentences of both texts correspond
    CopyRule("re-spun", covered=0.7, covered_other=0.55, matched=4),
    # rewritten around the wire's sentences (a "10 points" digest, a re-spin with material of
    # its own): half of the shorter text's sentences, at least five, two of them kept as they
    # were — a brief rewritten sentence by sentence keeps none, and so does an agency's
    # next-day story on the same event (another day, another figure in what it carries over)
    CopyRule("rewritten", covered=0.5, matched=5, kept=2),
)


def copy_rule(like: Likeness, min_resemblance: float, big_enough: bool = True) -> str:
    """The name of the first :data:`COPY_RULES` rule ``like`` satisfies, or ""."""
    if like.exact:
        return "exact"
    if not big_enough:
        return ""
    return next((r.name for r in COPY_RULES if r.holds(like, min_resemblance)), "")


def confirm(
    fp: Fingerprint, candidates: list[Fingerprint], min_resemblance: float
) -> list[tuple[str, Likeness]]:
    """The copy rule (or "") and the likeness of ``fp`` against every candidate."""
    found = []
    for other in candidates:
        like = compare(fp, other)
        big_enough = min(fp.size, other.size) >= MIN_SHINGLES
        found.append((copy_rule(like, min_resemblance, big_enough), like))
    return found


def is_copy(a: Fingerprint, b: Fingerprint, min_resemblance: float) -> tuple[bool, float]:
    """Confirm a candidate pair; returns (is a copy, the similarity reported in events)."""
    rule, like = confirm(a, [b], min_resemblance)[0]
    return bool(rule), (round(max(like.similarity, like.containment), 4) if rule else 0.0)
