"""Typed numeric facts from news text (pure): "more than 160 people were killed".

For each sentence and each number in it (see :mod:`.numbers`), the first matching rule wins:
1. predicate after the number: "160 people were killed", "164 dead";
2. a total before it: "the death toll rose to 225";
3. a verb before it: "killing at least 12 people", "sent 2,300 troops";
4. a troop noun after it: "2,300 troops".
Sentences that deny an event yield a fact of 0 ("no one was killed"). Numbers inside a
hypothetical clause ("could kill thousands") and sentences about an earlier year ("in 2019,
12 died") yield nothing. The words behind each rule are in :mod:`.vocabulary`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from crawler.core.facts.numbers import Quantity, find_quantities
from crawler.core.facts.vocabulary import (
    FILLERS,
    HYPOTHETICAL,
    KIND_LEAD_VERBS,
    KIND_PREDICATES,
    KIND_TOTALS,
    NEGATIONS,
    SUBJECT_STOPS,
    SUBJECTS,
    TROOP_NOUNS,
)
from crawler.core.text import sentences
from crawler.models import Fact

__all__ = ["Fact", "extract_facts", "facts_by_key"]


def _alt(words: tuple[str, ...] | list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_FILL = rf"(?:(?:{_alt(FILLERS)})\s+)*"
_SUBJ = rf"(?P<subj>(?:(?!(?:{_alt(SUBJECT_STOPS)})\b)[\w'’-]+\s+){{0,5}}?)"
_PRED = {
    kind: re.compile(rf"^\s*{_SUBJ}{_FILL}(?:{_alt(words)})\b", re.IGNORECASE)
    for kind, words in KIND_PREDICATES.items()
}
_LEAD = {
    kind: re.compile(rf"\b(?:{_alt(words)})\s+(?:an estimated\s+|a total of\s+)?$", re.IGNORECASE)
    for kind, words in KIND_LEAD_VERBS.items()
}
_TOTAL_LINK = r"(?:to|at|of|reached|hit|exceeded|passed|surpassed|topped|is|was|stood at|now)"
_TOTAL = {
    kind: re.compile(
        rf"\b(?:{_alt(words)})\b(?:\s+[\w'’-]+){{0,6}}?\s+{_TOTAL_LINK}\s+$", re.IGNORECASE
    )
    for kind, words in KIND_TOTALS.items()
}
_TROOPS = re.compile(rf"^\s*(?:[\w'’-]+\s+){{0,2}}?(?P<noun>{_alt(TROOP_NOUNS)})\b", re.IGNORECASE)
_NEGATION = {
    kind: re.compile(
        rf"\b(?P<neg>{_alt(NEGATIONS)})\s+(?:(?P<subj>[\w'’-]+)\s+)?{_FILL}"
        rf"(?:(?:was|were|has been|have been|had been|reported|being)\s+)*(?:{_alt(words)})\b",
        re.IGNORECASE,
    )
    for kind, words in KIND_PREDICATES.items()
}
_HYPOTHETICAL = re.compile(rf"\b(?:{_alt(HYPOTHETICAL)})\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:in|since|during|back in|by)\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_PAST = re.compile(r"\b(last year|years ago|previously|in the past|a decade ago)\b", re.IGNORECASE)
_DENIED = re.compile(r"\b(?:no|not|never)\s*$", re.IGNORECASE)
_SUBJECT_KEYS = sorted(SUBJECTS, key=len, reverse=True)


def extract_facts(text: str, reference_year: int | None = None) -> tuple[Fact, ...]:
    """All facts in ``text`` in reading order. ``reference_year``: the article's year."""
    found: list[Fact] = []
    for sentence in sentences(text):
        if _is_background(sentence, reference_year):
            continue
        found.extend(_sentence_facts(sentence))
    return tuple(found)


def facts_by_key(facts: tuple[Fact, ...]) -> dict[tuple[str, str], Fact]:
    """The fact that speaks for each (kind, subject): its first mention (news leads with it)."""
    out: dict[tuple[str, str], Fact] = {}
    for fact in facts:
        out.setdefault(fact.key, fact)
    return out


def _is_background(sentence: str, reference_year: int | None) -> bool:
    if _PAST.search(sentence):
        return True
    years = [int(y) for y in _YEAR.findall(sentence)]
    if not years:
        return False
    return reference_year is None or all(y < reference_year for y in years)


def _sentence_facts(sentence: str) -> list[Fact]:
    facts = [f for q in find_quantities(sentence) if (f := _classify(sentence, q)) is not None]
    kinds = {f.kind for f in facts}
    return facts + [f for f in _negated(sentence) if f.kind not in kinds]


def _classify(sentence: str, q: Quantity) -> Fact | None:
    before, after = sentence[: q.start], sentence[q.end :]
    window = " ".join(before.split()[-4:])
    if _DENIED.search(before) or _HYPOTHETICAL.search(window):
        return None  # "no one was killed" is handled as a negation
    for kind, pattern in _LEAD.items():
        if pattern.search(before):
            if kind == "troops":
                if _TROOPS.match(after):
                    return _fact(kind, "troops", q, sentence)
                continue
            return _fact(kind, _subject(_leading_words(after)), q, sentence)
    for kind, pattern in _PRED.items():
        match = pattern.match(after)
        if match:
            clause = window + " " + after[: match.end()]
            if _HYPOTHETICAL.search(clause):
                return None
            return _fact(kind, _subject(match["subj"]), q, sentence)
    for kind, pattern in _TOTAL.items():
        if pattern.search(before):
            return _fact(kind, _subject(_leading_words(after)), q, sentence)
    if _TROOPS.match(after):
        return _fact("troops", "troops", q, sentence)
    return None


def _negated(sentence: str) -> list[Fact]:
    out = []
    for kind, pattern in _NEGATION.items():
        match = pattern.search(sentence)
        if match and not _HYPOTHETICAL.search(sentence[: match.end()]):
            subject = _subject(match["subj"] or "")
            out.append(Fact(kind, subject, 0.0, "", sentence, 0.0, 0.0))
    return out


def _fact(kind: str, subject: str, q: Quantity, sentence: str) -> Fact:
    return Fact(kind, subject, q.value, q.qualifier, sentence, q.low, q.high)


def _leading_words(text: str) -> str:
    match = re.match(r"^\s*((?:[\w'’-]+\s*){1,5})", text)
    return match.group(1) if match else ""


@lru_cache(maxsize=4096)
def _subject(phrase: str) -> str:
    """Canonical subject of a noun phrase ("Kazakh security officers" → "security forces")."""
    lowered = " ".join(phrase.lower().split())
    for key in _SUBJECT_KEYS:
        if re.search(rf"(?:^|\s){re.escape(key)}(?:\s|$)", lowered):
            return SUBJECTS[key]
    tokens = [t for t in lowered.split() if t.isalpha()]
    if tokens and tokens[-1].endswith("s") and len(tokens[-1]) > 3:
        return tokens[-1]
    return "people"
