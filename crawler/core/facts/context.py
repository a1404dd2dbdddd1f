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
from functools import lru_cache

from crawler.core.facts import vocabulary as v
from crawler.core.facts.numbers import NUMBER
from crawler.core.facts.rules import alt
from crawler.core.text import sentences
from crawler.models import Role

_I = re.IGNORECASE
_CLAUSE_END = re.compile(
    r"[;:()\[\]—–]|,\s|\s(?:and|but|while|whereas|although|following|after|when|since|as"
    r"|during|before|because)\s|$"
)
_CLAUSE_START = re.compile(r"[;:()\[\]—–]|\b(?:but|while|whereas|although)\s", _I)
_SEGMENT_START = re.compile(r"[,;:()\[\]—–\"“”]|\bthat\s", _I)
_WORDS_BEFORE = 12
_WORDS_AFTER = 14

_SUPERSEDED = re.compile(rf"\b(?:{alt(v.SUPERSEDED)})\b", _I)
_FROM = re.compile(r"\bfrom\s+$", _I)  # "the toll rose from 164 to 225"
_HAD = re.compile(rf"\b(?:{alt(v.HAD_SAID)})\b", _I)
_REPORTED = re.compile(r"\b(?:that|said|says|told|telling|saying|adding)\b", _I)
_SUPERSEDED_AFTER = re.compile(rf"^\W*(?:\w+\s+){{0,3}}?(?:{alt(v.SUPERSEDED_AFTER)})\b", _I)
HYPOTHETICAL = re.compile(rf"\b(?:{alt(v.HYPOTHETICAL)})\b", _I)
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
_RELEASED = re.compile(rf"\b(?:{alt(v.RELEASED)})\b", _I)
_CORRECTION = re.compile(rf"\b(?:{alt(v.CORRECTIONS)})\b", _I)
_OVERALL = re.compile(rf"\b(?:{alt(v.OVERALL)})\b", _I)
_ELSEWHERE = re.compile(rf"\b(?:{alt(v.ELSEWHERE)})\b", _I)
_ARTICLES = r"(?:the|a|an|his|her|its|their|one|that|this)\s+"
_INSTITUTION = re.compile(
    rf"\b(?:at|in|inside|from)\s+{_ARTICLES}(?:[\w'’-]+\s+){{0,2}}?(?P<what>{alt(v.INSTITUTIONS)})\b",
    _I,
)
_COUNTED_AT = re.compile(rf"\b(?P<what>{alt(v.INSTITUTIONS)})\b", _I)
_SUB_EVENT = re.compile(
    rf"\b(?:in|by|during|from)\s+{_ARTICLES}(?:[\w'’-]+\s+){{0,2}}?(?P<what>{alt(v.SUB_EVENTS)})\b",
    _I,
)
_SUBSET = re.compile(rf"\b(?:{alt(v.SUBSETS)})\b", _I)
_PART_OF = re.compile(
    r"\b(?:including|among them|among whom|of whom|of them|of which|mostly|mainly)\s+$", _I
)
_PERIOD = re.compile(
    rf"\b(?:{alt(v.PERIODS)})\b|\bon\s+(?:monday|tuesday|wednesday|thursday|friday|saturday"
    rf"|sunday)\s+alone\b",
    _I,
)
_NAME = r"[A-Z][\w'’.-]*(?:[ -](?:[A-Z][\w'’-]*|al|el|de|du|and))*"
_ADJ = rf"(?:(?:{alt(v.PLACE_ADJECTIVES)}|[A-Z][a-z]+(?:an|ian|ese|ish|i))\s+)"
_PLACE_NOUN = alt(v.PLACE_NOUNS)
_PLACES = (
    # "in the eastern city of Derna", "in northern Iran", "across Libya"
    re.compile(
        rf"\b(?i:in|at|near|around|throughout)\s+{_ADJ}{{0,3}}"
        rf"(?:(?:{_PLACE_NOUN})\s+of\s+)?(?P<name>{_NAME})"
    ),
    # "Guilan province", "the Al Haouz district" (not "the Mediterranean city": that one is
    # a place already named)
    re.compile(rf"(?<!the )(?<!The )(?P<name>{_NAME})\s+(?:{_PLACE_NOUN})\b"),
)
_COMPASS = re.compile(
    r"\b(?P<side>northern|southern|eastern|western|central|north-eastern|north-western"
    r"|south-eastern|south-western|northeastern|northwestern|southeastern|southwestern)\s+"
    rf"(?P<name>{_NAME})"
)
# "in a northern province", "in one city", "in another town": somewhere, not the story
_UNNAMED_PLACE = re.compile(
    rf"\b(?:in|at|from)\s+(?:a|an|one|another|northern|southern|eastern|western|central)\s+"
    rf"(?:(?:{alt(v.PLACE_ADJECTIVES)})\s+)?(?:{_PLACE_NOUN})\b",
    _I,
)
_ATTRIBUTION_VERB = re.compile(rf"\b(?:{alt(v.ATTRIBUTION_VERBS)})\b", _I)
_ACCORDING = re.compile(r"\b(?:according to|citing|quoting|per)\s+(?P<who>[^,;.()]{3,80})", _I)
_SAID_AFTER = re.compile(
    r"\b(?:said|says|reported|announced|told)\s+(?P<who>(?:the\s+)?[^,;.()\"“”]{3,60})\s*[.]?$",
    _I,
)
_WHO_START = re.compile(r"[,;:()\[\]—–\"“”]|\bthat\s|\band\s|\bbut\s|^", _I)
_LEADING = re.compile(r"^(?:and|but|also|meanwhile|however)\s+", _I)
_NOT_PLACES = frozenset(v.NOT_PLACES)
_ORG_WORDS = frozenset(v.ORG_WORDS)


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
    unnamed = _UNNAMED_PLACE.search(near)
    if unnamed:
        return (("place", " ".join(unnamed.group(0).split()[1:]).lower()),)
    if _title_case(sentence):
        return ()  # a headline capitalises every word: its names say nothing of places
    through = _clause_after(sentence, end, coordinated=True)
    for text in (_segment_before(sentence, start), through, _fronted(sentence, start)):
        place = _foreign_place(text, places)
        if place:
            return (("place", place),)
    return ()


def _title_case(sentence: str) -> bool:
    words = [w for w in sentence.split() if w[:1].isalpha() and len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _foreign_place(text: str, places: frozenset[str]) -> str:
    """The first place named in ``text`` that is not one of the story's own places; a part of
    one ("northern Iran") is not, unless the seed itself says so ("eastern Libya")."""
    for match in _COMPASS.finditer(text):
        name = _clean_place(match["name"])
        side = match["side"].lower()
        if name and _is_story_place(name, places) and side not in places:
            return f"{side} {name}"
    for pattern in _PLACES:
        for match in pattern.finditer(text):
            after_the = text[: match.start("name")].lower().endswith("the ")
            name = _clean_place(match["name"], text[match.end("name") :], after_the)
            if name and not _is_story_place(name, places):
                return name
    return ""


def story_places(title: str, text: str) -> frozenset[str]:
    """The story's own places: the lower-cased words of the capitalised names in the seed's
    title and first sentence — where the story says it happens (people's names come along;
    they are never a figure's place, so harmless). Places the seed names later (a province,
    a city) are parts of the story: a figure restricted to one of them is partial."""
    first = next(iter(sentences(text)), "")
    words = set()
    for match in re.finditer(_NAME, f"{title}\n{first}"):
        for word in re.sub(r"['’]s\b", "", match.group(0)).split():
            word = word.strip("'’.-").lower()
            if len(word) > 2 and word not in _NOT_PLACES and word not in _ORG_WORDS:
                words.add(word)
    return frozenset(words)


_ADJECTIVAL = re.compile(rf"^[A-Z][a-z]+(?:an|ian|ese|ish|ic)\s+(?:{_PLACE_NOUN})\b")


def _clean_place(name: str, rest: str = "", after_the: bool = False) -> str:
    if after_the and _ADJECTIVAL.match(f"{name.split()[-1]} {rest.lstrip()}"):
        return ""  # "the Mediterranean city", "the Kurdish region": a place named already
    words = [w.strip("'’.-") for w in re.sub(r"['’]s\b", "", name).split()]
    while words and (words[-1].lower() in _NOT_PLACES or words[-1].lower() == "and"):
        words.pop()
    if not words or words[0].lower() in _NOT_PLACES:
        return ""
    if any(w.lower() in _ORG_WORDS for w in words) or all(w.isupper() for w in words):
        return ""  # "the Interior Ministry", "the UN", "AFP": who reports, not where
    return " ".join(words)


@lru_cache(maxsize=4096)
def _is_story_place(name: str, places: frozenset[str]) -> bool:
    """A word of ``name`` is one of the story's places, or shares its stem ("Libyan" /
    "Libya", "Kurdish" / "Kurdistan")."""
    for word in name.lower().split():
        for place in places:
            if word == place or (len(word) >= 4 and len(place) >= 4 and word[:5] == place[:5]):
                return True
    return False


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


def attribution(sentence: str) -> str:
    """Who the sentence says gave its figures: "according to X", "X said", "said X"."""
    found = _ACCORDING.search(sentence)
    if found:
        return _tidy(found["who"])
    for verb in _ATTRIBUTION_VERB.finditer(sentence):
        head = sentence[: verb.start()]
        cuts = list(_WHO_START.finditer(head))
        who = _LEADING.sub("", head[cuts[-1].end() :].strip()) if cuts else head.strip()
        if _is_speaker(who):
            return _tidy(who)
    found = _SAID_AFTER.search(sentence)
    return _tidy(found["who"]) if found else ""


_PASSIVE = frozenset(
    "been were was is are be being also reportedly who which it he she they".split()
)


def _is_speaker(who: str) -> bool:
    words = who.split()
    if not 1 <= len(words) <= 9 or re.search(r"\d", who) or words[-1].lower() in _PASSIVE:
        return False
    return not NUMBER.search(who) and words[0].lower() not in {"he", "she", "they", "it", "we"}


def _tidy(who: str) -> str:
    who = " ".join(who.split()).strip(" ,'\"“”’")
    if who.endswith(".") and not re.search(r"\.\w\.$", who):
        who = who[:-1]  # a full stop, not the end of "the U.N."
    return who[:80]
