"""Typed numeric facts from news text (pure): "more than 160 people were killed".

For each sentence and each number in it (see :mod:`.numbers`), the first matching rule wins:

1. a verb right before it: "killing at least 12 people", "sent 2,300 troops";
2. a predicate after the counted noun: "160 people were killed", "164 dead", "30 remain missing";
3. a total before it: "the death toll rose to 225", "the number of injured stood at 90";
4. a troop noun after it: "2,300 troops".

The **subject** is who the number counts: a known phrase mapped to its canonical name
("members of the security forces" → ``security forces``), else the counted noun's head
("villagers"), else ``people``; a number with no noun of its own ("12 civilians were killed
and 30 wounded") counts the subject before it in the same sentence.

**Not facts**: numbers in a hypothetical clause ("could kill thousands", "will send 1,000
troops"); earlier, superseded figures ("the ministry had earlier said 164", "up from 164");
dates, labels, ages and measures ("January 2", "No. 5", "a 24-year-old", "12 days"); parts
of a group counted elsewhere ("one of the wounded"); sentences about an earlier year or
clearly in the past ("in 2019, 12 died", "two years ago"). Sentences that deny an event
yield a fact of 0 ("no one was killed").

Within a sentence a total comes first ("two died overnight, bringing the toll to 31": 31
speaks for the story), so :func:`facts_by_key`, which keeps each key's first mention, picks it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from crawler.core.facts import rules as r
from crawler.core.facts.numbers import Quantity, find_quantities
from crawler.core.facts.rules import DEFAULT_VOCABULARY, Rules, Vocabulary, rules_for
from crawler.core.text import sentences
from crawler.models import Fact

__all__ = ["DEFAULT_VOCABULARY", "Fact", "Vocabulary", "extract_facts", "facts_by_key"]

_INHERIT = ""  # subject placeholder: "count the subject before me"
LOOKBACK = 160  # characters before a number that the lead-verb and total rules look at


@lru_cache(maxsize=64)
def extract_facts(
    text: str, reference_year: int | None = None, vocabulary: Vocabulary = DEFAULT_VOCABULARY
) -> tuple[Fact, ...]:
    """All facts in ``text`` in reading order. ``reference_year``: the article's year.

    Cached (pure function of its arguments): the pipeline asks for the same text's facts more
    than once per article.
    """
    rules = rules_for(vocabulary)
    found: list[Fact] = []
    for sentence in sentences(text):
        tokens = frozenset(r.TOKENS.findall(sentence.lower()))
        if rules.triggers.isdisjoint(tokens):
            continue  # most sentences: no word of any kind, so no fact
        if not _is_background(sentence, reference_year):
            negated = not rules.negators.isdisjoint(tokens)
            found.extend(_sentence_facts(sentence, rules, negated))
    return tuple(found)


def facts_by_key(facts: tuple[Fact, ...]) -> dict[tuple[str, str], Fact]:
    """The fact that speaks for each (kind, subject): its first mention (news leads with it)."""
    out: dict[tuple[str, str], Fact] = {}
    for fact in facts:
        out.setdefault(fact.key, fact)
    return out


def _is_background(sentence: str, reference_year: int | None) -> bool:
    if r.PAST.search(sentence):
        return True
    years = [int(y) for y in r.YEAR.findall(sentence)]
    if not years:
        return False
    return reference_year is None or all(y < reference_year for y in years)


def _sentence_facts(sentence: str, rules: Rules, negated: bool) -> list[Fact]:
    totals: list[Fact] = []
    others: list[Fact] = []
    previous = "people"
    for quantity in find_quantities(sentence):
        found = _classify(sentence, quantity, rules)
        if found is None:
            continue
        fact, is_total = found
        if fact.subject == _INHERIT:
            fact = _with_subject(fact, previous)
        previous = fact.subject
        (totals if is_total else others).append(fact)
    facts = totals + others
    if not negated:
        return facts
    kinds = {f.kind for f in facts}
    return facts + [f for f in _negated(sentence, rules) if f.kind not in kinds]


def _classify(sentence: str, q: Quantity, rules: Rules) -> tuple[Fact, bool] | None:
    before, after = sentence[: q.start], sentence[q.end :]
    if _not_a_count(before, after):
        return None
    tail = before[-LOOKBACK:]
    for kind, pattern in rules.lead_verbs:
        if pattern.search(tail):
            if kind == "troops":
                if rules.troops.match(after):
                    return _fact(kind, "troops", q, sentence), False
                continue
            subject = _noun_subject(after, rules)
            return (_fact(kind, subject, q, sentence), False) if subject is not None else None
    for kind, pattern in rules.predicates:
        match = pattern.match(after)
        if match:
            subject = _subject(match["subj"], rules, head=True) if match["subj"] else _INHERIT
            return (_fact(kind, subject, q, sentence), False) if subject is not None else None
    for kind, pattern in rules.totals:
        total = pattern.search(tail)
        if total:
            subject = _subject(total["total"], rules, head=False) or "people"
            return _fact(kind, subject, q, sentence), True
    if rules.troops.match(after):
        return _fact("troops", "troops", q, sentence), False
    return None


def _not_a_count(before: str, after: str) -> bool:
    """A date, a denied or superseded figure, or a number in a hypothetical clause."""
    if r.DENIED.search(before) or r.PARTITIVE.match(after):
        return True
    if r.DATE.search(before) or r.LABEL.search(before):  # "January 2", "No. 5", "flight 370"
        return True
    if r.SUPERSEDED.search(" ".join(before.split()[-6:])):
        return True
    clause_after = re.split(r"[,;:.!?()—–]", after, maxsplit=1)[0]
    window = " ".join(before.split()[-4:]) + " " + " ".join(clause_after.split()[:6])
    return bool(r.HYPOTHETICAL.search(window))


def _negated(sentence: str, rules: Rules) -> list[Fact]:
    out = []
    for kind, pattern in rules.negations:
        match = pattern.search(sentence)
        if match and not r.HYPOTHETICAL.search(sentence[: match.end()]):
            subject = _subject(match["subj"] or "", rules, head=True) or "people"
            out.append(Fact(kind, subject, 0.0, "", sentence, 0.0, 0.0))
    return out


def _fact(kind: str, subject: str, q: Quantity, sentence: str) -> Fact:
    return Fact(kind, subject, q.value, q.qualifier, sentence, q.low, q.high)


def _with_subject(fact: Fact, subject: str) -> Fact:
    return Fact(fact.kind, subject, fact.value, fact.qualifier, fact.sentence, fact.low, fact.high)


def _noun_subject(after: str, rules: Rules) -> str | None:
    """Subject of the noun phrase after a number ("villagers in a raid" → "villagers")."""
    match = r.NOUN_PHRASE.match(after)
    return _subject(match.group(1), rules, head=True) if match else _INHERIT


def _subject(phrase: str, rules: Rules, head: bool) -> str | None:
    """Canonical subject of a noun phrase; None when it counts things, not people.

    ``head``: fall back to the phrase's last word when it looks like a plural noun.
    """
    return _canonical(" ".join(phrase.lower().split()), rules, head)


@lru_cache(maxsize=4096)
def _canonical(lowered: str, rules: Rules, head: bool) -> str | None:
    for key in rules.subject_keys:
        if re.search(rf"(?:^|\s){re.escape(key)}(?:\s|$)", lowered):
            return rules.subjects[key]
    tokens = [t.strip("'’") for t in lowered.split() if any(c.isalpha() for c in t)]
    if not head or not tokens:
        return "people" if head else ""
    last = tokens[-1]
    if last in r.NOT_PERSONS:
        return None
    if last in r.IRREGULAR_PLURALS or (last.endswith("s") and len(last) > 3):
        return last
    return "people"
