"""Typed numeric facts from news text (pure): "more than 160 people were killed".

Every mention of a counted kind in title + text is read, not only the first. For each
sentence and each number in it (see :mod:`.numbers`), the first matching rule says what it
counts:

1. a verb right before it: "killing at least 12 people", "sent 2,300 troops";
2. a total before it: "the death toll rose to 225", "the toll climbed above 300";
3. a predicate after the counted noun: "160 people were killed", "164 dead", "30 remain missing";
4. a troop noun after it: "2,300 troops";
5. an ordinal of an execution: "the second protester to be executed" (2 executions).

The **subject** is who the number counts: a known phrase mapped to its canonical name
("members of the security forces" → ``security forces``), else the counted noun's head
("villagers"), else ``people``; a number with no noun of its own ("12 civilians were killed
and 30 wounded") counts the subject before it in the same sentence. Each mention then gets its
**quantity** (exact / bounded / vague, :mod:`.numbers`) and its **role**, **scope** and
**attribution** in the story (:mod:`.context`): a superseded, projected or other-event figure
is kept with that role (the timeline shows it) but never counts as what the article reports now.

**Not counts at all**: dates, labels, ages and measures ("January 2", "No. 5", "Amini, 22,",
"a 24-year-old", "12 days"), parts of a group counted elsewhere ("one of the wounded").
Sentences that deny an event yield a fact of 0 ("no one was killed").

:func:`article_totals` gives an article's own current figure per ledger key: the largest
precise (exact or bounded) current mention — "more than N … later M" reads as M, and the
headline counts like any sentence.
"""

from __future__ import annotations

from functools import lru_cache

from crawler.core.facts import rules as r
from crawler.core.facts.reading import sentence_facts
from crawler.core.facts.rules import DEFAULT_VOCABULARY, Vocabulary, rules_for
from crawler.core.text import sentences
from crawler.models import Fact

__all__ = [
    "DEFAULT_VOCABULARY",
    "Fact",
    "Vocabulary",
    "article_totals",
    "changed_figures",
    "extract_facts",
    "read_article",
]


@lru_cache(maxsize=64)
def extract_facts(
    text: str,
    reference_year: int | None = None,
    vocabulary: Vocabulary = DEFAULT_VOCABULARY,
    places: frozenset[str] = frozenset(),
) -> tuple[Fact, ...]:
    """All facts in ``text`` (title first, one paragraph per line) in reading order.

    ``reference_year``: the article's year (older years mark background). ``places``: the
    lower-cased words of the story's own places (:func:`crawler.core.facts.places.story_places`):
    a figure restricted to another place is partial. Cached (pure function of its arguments).
    """
    rules = rules_for(vocabulary)
    found: list[Fact] = []
    for sentence in sentences(text):
        tokens = frozenset(r.TOKENS.findall(sentence.lower()))
        if rules.triggers.isdisjoint(tokens):
            continue  # most sentences: no word of any kind, so no fact
        background = _is_background(sentence, reference_year)
        negated = not rules.negators.isdisjoint(tokens)
        found.extend(sentence_facts(sentence, rules, negated, background, places))
    return tuple(found)


def read_article(
    title: str,
    text: str,
    reference_year: int | None = None,
    vocabulary: Vocabulary = DEFAULT_VOCABULARY,
    places: frozenset[str] = frozenset(),
) -> tuple[Fact, ...]:
    """The facts of an article's headline, then of its text. The body is the authority: a
    headline figure that the body gives for another kind, and never for the headline's, is a
    headline slip ("over 9,000 injured" over a body saying 9,000 missing) and is dropped."""
    body = extract_facts(text, reference_year, vocabulary, places)
    head = extract_facts(title, reference_year, vocabulary, places) if title.strip() else ()
    return tuple(f for f in head if not _slip(f, body)) + body


def _slip(headline: Fact, body: tuple[Fact, ...]) -> bool:
    values = {(f.kind, f.value) for f in body if f.precise}
    other_kind = any(value == headline.value and kind != headline.kind for kind, value in values)
    return other_kind and (headline.kind, headline.value) not in values


def article_totals(facts: tuple[Fact, ...]) -> dict[str, Fact]:
    """The article's own current figure per ledger key: its largest precise current mention
    (a vague "dozens" only when the article states nothing precise for that key)."""
    out: dict[str, Fact] = {}
    for fact in facts:
        if not fact.is_current:
            continue
        held = out.get(fact.key)
        if held is None or _outranks(fact, held):
            out[fact.key] = fact
    return out


def changed_figures(old: tuple[Fact, ...], new: tuple[Fact, ...]) -> list[tuple[Fact, Fact]]:
    """(old, new) per key whose own figure (:func:`article_totals`) differs between two
    versions, whatever the margin (the side-by-side diff marks them)."""
    before, after = article_totals(old), article_totals(new)
    return [
        (before[k], f) for k, f in after.items() if k in before and not before[k].same_reading(f)
    ]


def _outranks(fact: Fact, held: Fact) -> bool:
    """Precise over vague, larger over smaller; for the same figure a correction, then the
    fuller sentence (the body's over the headline's: it says who and where)."""
    if fact.precise != held.precise:
        return fact.precise
    if fact.value != held.value:
        return fact.value > held.value
    if (fact.role == "corrected") != (held.role == "corrected"):
        return fact.role == "corrected"
    return len(fact.sentence) > len(held.sentence)


def _is_background(sentence: str, reference_year: int | None) -> bool:
    if r.PAST.search(sentence):
        return True
    years = [int(y) for y in r.YEAR.findall(sentence)]
    if not years:
        return False
    return reference_year is None or all(y < reference_year for y in years)
