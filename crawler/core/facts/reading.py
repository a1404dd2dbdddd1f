"""One sentence's counts (pure): which number counts what kind of whom, in what role.

The cascade of :mod:`crawler.core.facts` (lead verb, total, predicate, troop noun, ordinal) for
each number of a sentence, then :func:`~crawler.core.facts.context.read_context` for its role,
scope and attribution. Numbers coordinated with one another ("451 protesters and 60 security
forces were killed", "11,300 dead and 10,100 missing, a previous report said") share a kind or
a history role.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from crawler.core.facts import rules as r
from crawler.core.facts.context import HYPOTHETICAL, Context, marks_history, read_context
from crawler.core.facts.numbers import Quantity, find_quantities
from crawler.core.facts.rules import Rules
from crawler.models import SUB_POPULATIONS, Fact

_INHERIT = ""  # subject placeholder: "count the subject before me"
LOOKBACK = 160  # characters before a number that the lead-verb and total rules look at
_HISTORY = frozenset({"previous", "projection", "other-event"})


def _shares_role(
    sentence: str, last: tuple[Quantity, Context], quantity: Quantity, context: Context
) -> bool:
    """Two coordinated numbers ("…said 11,300 were dead and over 10,100 missing") where one
    has a history role and the other not: they are one report."""
    gap = sentence[last[0].end : quantity.start]
    if (last[1].role in _HISTORY) == (context.role in _HISTORY) or marks_history(gap):
        return False  # "225, up from 164": the marker between them is the second one's
    return len(gap) <= 60 and bool(re.search(r"\band\b|,", gap))


def sentence_facts(
    sentence: str, rules: Rules, negated: bool, background: bool, places: frozenset[str]
) -> list[Fact]:
    facts: list[Fact] = []
    previous = "people"
    last: tuple[Quantity, Context] | None = None
    quantities = list(find_quantities(sentence))
    for index, quantity in enumerate(quantities):
        following = quantities[index + 1] if index + 1 < len(quantities) else None
        found = _classify(sentence, quantity, rules, following)
        if found is None and facts:
            found = _part_of(sentence, quantity, facts[-1], rules)
        if found is None:
            continue
        kind, subject = found
        if subject == _INHERIT:
            subject = previous
        previous = subject
        context = read_context(sentence, quantity.start, quantity.end, kind, places, background)
        if last is not None and _shares_role(sentence, last, quantity, context):
            # "11,300 were dead and over 10,100 missing", "2,122 dead and 2,420 injured a
            # day earlier": one report, one role
            if context.role in _HISTORY:
                facts[-1] = replace(facts[-1], role=context.role, scope=())
            else:
                context = last[1]
        last = (quantity, context)
        facts.append(_fact(kind, subject, quantity, sentence, context))
    facts.extend(_ordinals(sentence, rules, background, places))
    if not negated:
        return facts
    kinds = {f.kind for f in facts}
    denied = _negated(sentence, rules, background, places)
    return facts + [f for f in denied if f.kind not in kinds]


def _classify(
    sentence: str, q: Quantity, rules: Rules, following: Quantity | None = None
) -> tuple[str, str] | None:
    before, after = sentence[: q.start], sentence[q.end :]
    if _not_a_count(before, after):
        return None
    if r.PART_OF.search(before) and rules.troops.match(after):
        return None  # "…17 killed, including five security personnel": see _part_of
    found = _rules(before, after, rules)
    if found is None and following is not None:
        found = _coordinated(sentence, q, following, rules)
    return found


def _part_of(sentence: str, q: Quantity, last: Fact, rules: Rules) -> tuple[str, str] | None:
    """A number that only names a part of, or an alternative to, the count before it: "…185
    killed, including 19 children", "…3,958 have died instead of 11,300" — the same kind."""
    before = sentence[: q.start]
    if not r.PART_OF.search(before):
        return None
    subject = _noun_subject(sentence[q.end :], rules)
    if subject is None:
        return None
    return last.kind, last.subject if subject == _INHERIT else subject


def _coordinated(
    sentence: str, q: Quantity, following: Quantity, rules: Rules
) -> tuple[str, str] | None:
    """ "451 protesters and 60 security forces have been killed": the first count takes the
    kind of the second, and its own noun as subject."""
    if not r.COORDINATED.match(sentence[q.end : following.start]):
        return None
    found = _rules(sentence[: following.start], sentence[following.end :], rules)
    if found is None:
        return None
    subject = _noun_subject(sentence[q.end : following.start], rules)
    return found[0], subject if subject and subject != _INHERIT else "people"


def _rules(before: str, after: str, rules: Rules) -> tuple[str, str] | None:
    """The cascade of the module doc (1–4) for the number between ``before`` and ``after``."""
    tail = before[-LOOKBACK:]
    lead = rules.lead_verb.search(tail)
    if lead is not None:
        kind = r.kind_of(lead)
        if kind == "troops":
            return (kind, "troops") if rules.troops.match(after) else None
        subject = _noun_subject(after, rules)
        return (kind, subject) if subject is not None else None
    total = rules.total.search(tail)
    if total is not None:
        return r.kind_of(total), _subject(total["total"], rules, head=False) or "people"
    match = rules.predicate.match(after)
    if match is not None:  # the nearest predicate: "dozens were missing, and … could have died"
        subject = _subject(match["subj"], rules, head=True) if match["subj"] else _INHERIT
        return (r.kind_of(match), subject) if subject is not None else None
    if rules.troops.match(after):
        return "troops", "troops"
    return None


def _not_a_count(before: str, after: str) -> bool:
    """A date, a label, an age, a denied figure or a part of a group counted elsewhere."""
    if r.DENIED.search(before) or r.PARTITIVE.match(after) or r.REMAINDER.search(before):
        return True
    if r.DATE.search(before) or r.LABEL.search(before):  # "January 2", "No. 5", "flight 370"
        return True
    return bool(r.AGE_BEFORE.search(before) and r.AGE_AFTER.match(after))  # "Amini, 22, died"


def _ordinals(sentence: str, rules: Rules, background: bool, places: frozenset[str]) -> list[Fact]:
    """ "the second protester to be executed": a count of 2 executions."""
    out = []
    for match in rules.ordinals.finditer(sentence):
        value = float(r.ORDINAL_VALUES[match["ordinal"].lower()])
        q = Quantity(value, "", value, value, match.start(), match.end())
        context = read_context(sentence, q.start, q.end, "executed", places, background)
        out.append(_fact("executed", "people", q, sentence, context))
    return out


def _negated(sentence: str, rules: Rules, background: bool, places: frozenset[str]) -> list[Fact]:
    """ "No one was killed": a count of 0 (not "no new deaths", which counts nothing)."""
    out = []
    for kind, pattern in rules.negations:
        match = pattern.search(sentence)
        if match is None or HYPOTHETICAL.search(sentence[: match.end()]):
            continue
        if r.INCREMENT.match(sentence[match.end("neg") :]):
            continue
        subject = _subject(match["subj"] or "", rules, head=True) or "people"
        zero = Quantity(0.0, "", 0.0, 0.0, match.start(), match.end("neg"))
        context = read_context(sentence, zero.start, match.end(), kind, places, background)
        out.append(_fact(kind, subject, zero, sentence, context))
    return out


def _fact(kind: str, subject: str, q: Quantity, sentence: str, context: Context) -> Fact:
    scope, role = context.scope, context.role
    if subject in SUB_POPULATIONS:
        if scope == (("group", "part"),):
            scope = ()  # "185 people, including 19 children": the subject says it already
        if role in ("total", "corrected"):
            role = "partial"  # a named sub-population's count is never the overall one
    return Fact(
        kind,
        subject,
        q.value,
        q.qualifier,
        sentence,
        q.low,
        q.high,
        quantity=q.quantity,
        role=role,
        scope=scope,
        attribution=context.attribution,
    )


def _noun_subject(after: str, rules: Rules) -> str | None:
    """Subject of the noun phrase after a number ("villagers in a raid" → "villagers")."""
    match = r.NOUN_PHRASE.match(after)
    return _subject(match.group(1), rules, head=True) if match else _INHERIT


def _subject(phrase: str, rules: Rules, head: bool) -> str | None:
    """Canonical subject of a noun phrase; None when it counts things, not people.

    ``head``: fall back to the phrase's last word when it looks like a plural noun.
    """
    return _canonical(" ".join(phrase.lower().split()), rules, head)


_MIXED = re.compile(r"\b(?:and|or)\s+(?:other\s+)?(?:people|others|civilians|residents|persons)\b")


@lru_cache(maxsize=4096)
def _canonical(lowered: str, rules: Rules, head: bool) -> str | None:
    if _MIXED.search(lowered):
        return "people"  # "31,000 students and people": everyone, not a sub-population
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
