"""What a figure counts for the story (pure): its role, its scope and who gave it.

A number that :mod:`crawler.core.facts` has read as a count of a kind ("164 people were
killed") is then placed in its sentence. The cascade, first match wins:

1. ``other-event`` — the sentence is about another, earlier event ("in 2019, 12 died");
2. ``previous`` — a superseded figure: a marker before it in its clause ("up from 164",
   "the previous toll was 76", "had said", "initially", "denied that … had reached") or right
   after it ("11,300 as earlier reported");
3. ``projection`` — a possibility or a plan near it ("could rise to 250", "we expect");
4. ``released`` — an arrest count of people set free ("500 detainees were released");
5. ``partial`` — restricted to somewhere or something smaller than the story: a place that is
   not one of the story's own places ("7 dead in the town of Susa"; the story's places come
   from the seed's title and lead, so "in Derna" is the story itself), "elsewhere"/"outside
   X", one institution ("at his hospital"), one sub-event ("in the prison fire"), one stage
   of the recovery ("3,190 already buried"), one period ("on Friday alone"). A named
   sub-population (``subject`` children, security forces …) is partial too, by its key;
6. ``corrected`` — a total in a sentence that states an official correction ("the UN revised
   the toll down to 3,958"): only such a figure may move the story's figure downwards;
7. ``total`` — otherwise: the overall count for the whole event.

"nationwide", "across the country", "in total" make a figure overall whatever place the
sentence also names. Every marker list is data in :mod:`crawler.core.facts.vocabulary`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.core.facts import markers as m
from crawler.core.facts import vocabulary as v
from crawler.core.facts.attribution import attribution
from crawler.core.facts.numbers import NUMBER
from crawler.core.facts.places import foreign_place, title_case, unnamed_place
from crawler.core.facts.rules import alt, any_of
from crawler.models import Role

_I = re.IGNORECASE
_CLAUSE_END = re.compile(
    r"[;:()\[\]—–]|,\s|\s(?:and|but|while|whereas|although|following|after|when|since|as"
    r"|during|before|because)\s|$"
)
_CLAUSE_START = re.compile(r"[;:()\[\]—–]|\b(?:but|while|whereas|although)\s", _I)
_SEGMENT_START = re.compile(r"[,;:()\[\]—–\"“”]|\bthat\s", _I)
_WORDS_BEFORE = 12
_WORDS_AFTER = 20

_SUPERSEDED = any_of(m.SUPERSEDED)
_FROM = re.compile(r"\bfrom\s+$", _I)  # "the toll rose from 164 to 225"
_HAD = any_of(m.HAD_SAID)
_REPORTED = re.compile(r"\b(?:that|said|says|told|telling|saying|adding)\b", _I)
# "the UN revised the previous toll TO 3,958", "amended the earlier toll, STATING THAT 3,958":
# the new figure; not "adjusting the numbers from a previous report that said 11,300"
_CORRECTING_PREVIOUS = re.compile(
    rf"\b(?:{alt(m.CORRECTIONS)}|revised|revises|revise)\b.{{0,80}}"
    r"\b(?:previous|earlier|initial|original)\b(?:.{0,60}\bto\s+|.{0,60}\b(?:stating|saying"
    r"|remarking|showing|putting it at)\b.{0,40})$",
    _I,
)
_SUPERSEDED_AFTER = re.compile(rf"^\W*(?:\w+\s+){{0,3}}?(?:{alt(m.SUPERSEDED_AFTER)})\b", _I)
HYPOTHETICAL = any_of(v.HYPOTHETICAL)
# "could be over 5,000", "may be missing": a hedged estimate of now, not a projection
_ESTIMATE = re.compile(r"\b(?:could|may|might)\s+(?:be|have been|now be)\b", _I)
# "thousands could have died", "1,000 may be killed": the number is what might happen; "the
# toll of 2,012 seemed likely to rise" is a current figure with a guess about its future
_PROJECTED_AFTER = re.compile(
    r"^\W*(?:[\w'’-]+\s+){0,3}?(?:could|might|may|would|will|are expected to|are likely to)\s+"
    r"(?:have\s+)?(?:been\s+|be\s+)?(?:killed|died|die|dead|injured|hurt|displaced|evacuated|missing"
    r"|arrested|detained|sent|deployed|executed|hanged|left homeless)\b",
    _I,
)
_RELEASED = any_of(m.RELEASED)
_CORRECTION = any_of(m.CORRECTIONS)
_OVERALL = any_of(m.OVERALL)
_ELSEWHERE = any_of(m.ELSEWHERE)
_ARTICLES = r"(?:the|a|an|his|her|its|their|one|that|this)\s+"
_INSTITUTION = re.compile(
    rf"\b(?:at|in|inside|from)\s+{_ARTICLES}(?:[\w'’-]+\s+){{0,2}}?(?P<what>{alt(m.INSTITUTIONS)})\b",
    _I,
)
_COUNTED_AT = re.compile(rf"\b(?P<what>{alt(m.INSTITUTIONS)})\b", _I)
_SUB_EVENT = re.compile(
    rf"\b(?:in|by|during|from)\s+{_ARTICLES}(?:[\w'’-]+\s+){{0,2}}?(?P<what>{alt(m.SUB_EVENTS)})\b",
    _I,
)
_SUBSET = any_of(m.SUBSETS)
_PART_OF = re.compile(
    r"\b(?:including|among them|among whom|of whom|of them|of which|mostly|mainly)\s+$", _I
)
_PERIOD = re.compile(
    rf"\b(?:{alt(m.PERIODS)})\b|\bon\s+(?:monday|tuesday|wednesday|thursday|friday|saturday"
    rf"|sunday)\s+alone\b",
    _I,
)


@dataclass(frozen=True, slots=True)
class Context:
    role: Role
    scope: tuple[tuple[str, str], ...] = ()
    attribution: str = ""


def read_context(
    sentence: str,
    start: int,
    end: int,
    kind: str,
    places: frozenset[str],
    background: bool,
) -> Context:
    """The role, scope and attribution of the number at ``sentence[start:end]``.

    ``places``: lower-cased words of the story's own places (the seed's title and lead);
    ``background``: the sentence speaks of an earlier event (see :mod:`crawler.core.facts`).
    """
    who = attribution(sentence)
    before, after = _clause_before(sentence, start), _clause_after(sentence, end)
    role = _role(sentence, before, after, kind, background)
    if role != "total":
        return Context(role, (), who)
    scope = _scope(sentence, start, end, before, after, places)
    if scope:
        return Context("partial", scope, who)
    return Context("corrected" if _CORRECTION.search(sentence) else "total", (), who)


def _role(sentence: str, before: str, after: str, kind: str, background: bool) -> Role:
    if background:
        return "other-event"
    tail = _since_last_number(before)
    if _CORRECTING_PREVIOUS.search(tail):
        tail = ""  # "the UN revised the previous toll to 3,958": the new figure
    if _superseded(tail) or _FROM.search(before) or _SUPERSEDED_AFTER.match(after):
        return "previous"
    lead = _ESTIMATE.sub(" ", " ".join(before.split()[-5:]))
    if HYPOTHETICAL.search(lead) or _PROJECTED_AFTER.match(after):
        return "projection"
    if kind == "arrested" and _RELEASED.search(f"{tail} {after}"):
        return "released"
    return "total"


def _superseded(tail: str) -> bool:
    """A superseded-figure marker; "had said/put/registered …" only outside reported speech
    ("OCHA had announced 11,300", not "told reporters that they had registered 2,000")."""
    if _SUPERSEDED.search(tail):
        return True
    had = _HAD.search(tail)
    return had is not None and not _REPORTED.search(tail[: had.start()])


def marks_history(text: str) -> bool:
    """``text`` holds a marker of a superseded or projected figure."""
    return bool(
        _SUPERSEDED.search(text)
        or _HAD.search(text)
        or HYPOTHETICAL.search(_ESTIMATE.sub(" ", text))
    )


def _since_last_number(before: str) -> str:
    """The last words of the clause before a number, after any earlier number in it (a marker
    before "225, up from 164" belongs to 164, not to a later figure)."""
    numbers = list(NUMBER.finditer(before))
    tail = before[numbers[-1].end() :] if numbers else before
    return " ".join(tail.split()[-_WORDS_BEFORE:])


def _scope(
    sentence: str, start: int, end: int, before: str, after: str, places: frozenset[str]
) -> tuple[tuple[str, str], ...]:
    near = f"{_segment_before(sentence, start)} {after}"
    if _OVERALL.search(near):
        return ()
    if _ELSEWHERE.search(" ".join(before.split()[-3:]) + " " + after):
        return (("place", "elsewhere"),)
    for pattern, name in ((_INSTITUTION, "place"), (_SUB_EVENT, "event")):
        found = pattern.search(after)
        if found:
            return ((name, found["what"].lower()),)
    counted_at = _COUNTED_AT.search(_segment_before(sentence, start))
    if counted_at:  # "Dhaka Medical College Hospital has so far received 41 dead"
        return (("place", counted_at["what"].lower()),)
    subset = _SUBSET.search(" ".join(after.split()[:8]))
    if subset:
        return (("group", subset.group(0).lower()),)
    if _PART_OF.search(before):
        return (("group", "part"),)  # "… 629 injured, including 51 …": part of a count
    if _PERIOD.search(near):
        return (("period", "day"),)
    unnamed = unnamed_place(near)
    if unnamed:
        return (("place", unnamed),)
    if title_case(sentence):
        return ()  # a headline capitalises every word: its names say nothing of places
    through = _clause_after(sentence, end, coordinated=True)
    for text in (_segment_before(sentence, start), through, _fronted(sentence, start)):
        place = foreign_place(text, places)
        if place:
            return (("place", place),)
    return ()


def _clause_before(sentence: str, start: int) -> str:
    head = sentence[:start]
    cuts = list(_CLAUSE_START.finditer(head))
    return head[cuts[-1].end() :] if cuts else head


def _segment_before(sentence: str, start: int) -> str:
    head = sentence[:start]
    cuts = list(_SEGMENT_START.finditer(head))
    segment = head[cuts[-1].end() :] if cuts else head
    return " ".join(segment.split()[-8:])


_ASIDE = re.compile(r"^([^,;]{0,40}?),\s*(?:including|among them|of whom)\s+[^,;]{1,60},\s*")


def _clause_after(sentence: str, end: int, coordinated: bool = False) -> str:
    """The number's clause after it. ``coordinated``: through "… and 30 wounded" (a place at
    the end of "12 killed and 30 wounded in Almaty" is both counts' place)."""
    tail = _ASIDE.sub(r"\1 ", sentence[end:])  # "739 people, including 60 women, in …"
    stop = _CLAUSE_END.search(tail, 1)
    while (
        coordinated and stop and stop.group(0).strip() == "and" and NUMBER.match(tail, stop.end())
    ):
        stop = _CLAUSE_END.search(tail, stop.end())
    clause = tail[: stop.start()] if stop else tail
    return " ".join(clause.split()[:_WORDS_AFTER])


def _fronted(sentence: str, start: int) -> str:
    """A fronted place adverbial: "In Zahedan, 93 were killed" (before the number's clause)."""
    match = re.match(r"^\W*(?:and\s+)?(in\s+[^,]{2,60}),", sentence, _I)
    return match.group(1) if match and match.end() <= start else ""
