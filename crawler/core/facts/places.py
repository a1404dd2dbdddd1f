"""Where a figure is counted (pure): the story's own places, and a place that restricts a count.

The story's own places are the capitalised names of the seed's title and first sentence
(:func:`story_places`). A figure is restricted to a place when its clause names another one —
"in the town of Susa", "Guilan province", "in northern Iran" (a part of a story's place,
unless the seed itself says "eastern Libya") — or an unnamed one ("in a northern province").
Headlines capitalise every word, so their names say nothing of places (:func:`title_case`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from crawler.core.facts import markers as m
from crawler.core.facts.rules import alt
from crawler.core.text import sentences

_I = re.IGNORECASE
_NAME = r"[A-Z][\w'’.-]*(?:[ -](?:[A-Z][\w'’-]*|al|el|de|du|and))*"
_ADJ = rf"(?:(?:{alt(m.PLACE_ADJECTIVES)}|[A-Z][a-z]+(?:an|ian|ese|ish|i))\s+)"
_PLACE_NOUN = alt(m.PLACE_NOUNS)
_PLACES = (
    # "in the eastern city of Derna", "in northern Iran", "across Libya"
    re.compile(
        rf"\b(?i:in|at|near|around|throughout|from)\s+{_ADJ}{{0,3}}"
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
    rf"(?:(?:{alt(m.PLACE_ADJECTIVES)})\s+)?(?:{_PLACE_NOUN})\b",
    _I,
)
_NOT_PLACES = frozenset(m.NOT_PLACES)
_ORG_WORDS = frozenset(m.ORG_WORDS)


def title_case(sentence: str) -> bool:
    words = [w for w in sentence.split() if w[:1].isalpha() and len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def foreign_place(text: str, places: frozenset[str]) -> str:
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


_DEMONYM = re.compile(r"^[A-Z][a-z]+(?:ian|ese|ish|i)$")


def _clean_place(name: str, rest: str = "", after_the: bool = False) -> str:
    if (
        _DEMONYM.match(name)
        and re.match(r"\s+[a-z]", rest)
        and not re.match(rf"\s+(?:{_PLACE_NOUN})\b", rest)
    ):
        return ""  # "in Iranian protests": an adjective, not a place
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


def unnamed_place(text: str) -> str:
    """ "one province" for "in one province", "northern province" for "in a northern province"."""
    found = _UNNAMED_PLACE.search(text)
    return " ".join(found.group(0).split()[1:]).lower() if found else ""
