"""Who gave a figure (pure): "according to X", "X said", "said X", "X told Reuters"."""

from __future__ import annotations

import re

from crawler.core.facts import markers as m
from crawler.core.facts.numbers import NUMBER
from crawler.core.facts.rules import any_of

_I = re.IGNORECASE
_ATTRIBUTION_VERB = any_of(m.ATTRIBUTION_VERBS)
_ACCORDING = re.compile(r"\b(?:according to|citing|quoting|per)\s+(?P<who>[^,;.()]{3,80})", _I)
_SAID_AFTER = re.compile(
    r"\b(?:said|says|reported|announced|told)\s+(?P<who>(?:the\s+)?[^,;.()\"“”]{3,60})\s*[.]?$",
    _I,
)
_WHO_START = re.compile(r"[,;:()\[\]—–\"“”]|\bthat\s|\band\s|\bbut\s|^", _I)
_LEADING = re.compile(r"^(?:and|but|also|meanwhile|however)\s+", _I)


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
