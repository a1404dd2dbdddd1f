"""Numbers as news copy writes them, with the qualifier in front, and what kind of quantity.

"8,000", "7 939", "2.3 million", "twenty-five", "dozens", "hundreds" — each optionally
preceded by a qualifier ("at least", "nearly", …) that turns into bounds. Every quantity is
``exact`` ("225"), ``bounded`` (a qualifier, or a range "5,000 to 6,000" / "between 5,000 and
6,000", whose value is its upper end) or ``vague`` ("dozens", "scores", "hundreds",
"thousands", "tens of thousands", "several", "a number of"): a vague amount keeps a nominal
value (its lower bound, for display and ordering) but never stands for a precise figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from crawler.core.facts.vocabulary import QUALIFIERS

UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
# vague amounts: their nominal value (the least they can mean)
VAGUE = {
    "a dozen": 12,
    "dozens": 24,
    "scores": 40,
    "hundreds": 200,
    "several hundred": 200,
    "a few hundred": 200,
    "thousands": 2_000,
    "several thousand": 2_000,
    "a few thousand": 2_000,
    "tens of thousands": 20_000,
    "hundreds of thousands": 200_000,
    "millions": 2_000_000,
    "a handful": 3,
    "several": 3,
    "a few": 3,
    "a number of": 3,
    "numerous": 3,
    "many": 3,
}
# exact amounts written as words with an article: "a hundred", "a thousand"
ARTICLE_AMOUNTS = {"a hundred": 100, "a thousand": 1_000, "one hundred": 100, "one thousand": 1_000}

_DIGITS = r"\d{1,3}(?:(?:,|\u202f|\u00a0| )\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?"
_WORD_NUM = (
    r"(?:(?:"
    + "|".join(TENS)
    + r")(?:[- ](?:"
    + "|".join(UNITS)
    + r"))?|"
    + "|".join(sorted(UNITS, key=len, reverse=True))
    + r")"
)
_SCALE = r"(?:\s+(?P<scale>hundred|thousand|million|billion)|(?P<abbr>m|bn|k)\b)?"
_QUAL = "|".join(sorted((re.escape(q) for q in QUALIFIERS), key=len, reverse=True))
NUMBER = re.compile(
    rf"(?<![\w.,])(?:(?P<qual>{_QUAL})\s+)?"
    rf"(?:(?P<vague>{'|'.join(sorted(VAGUE, key=len, reverse=True))})(?!\w)|"
    rf"(?P<article>{'|'.join(sorted(ARTICLE_AMOUNTS, key=len, reverse=True))})(?!\w)|"
    rf"(?P<digits>{_DIGITS}){_SCALE}|(?P<word>{_WORD_NUM})(?:\s+(?P<wscale>hundred|thousand))?)"
    rf"(?![\w%])(?!-[^\W\d_])(?!\s*(?:%|per\s*cent|percent)\b)",
    re.IGNORECASE,
)
# any spelled-out amount, for "this word is a number" checks elsewhere
WORD_AMOUNT = rf"(?:{'|'.join(sorted(VAGUE, key=len, reverse=True))}|{_WORD_NUM})\b"


# between two numbers, these make a range: "5,000 to 6,000", "5,000-6,000", "between 5 and 6"
_RANGE = re.compile(r"\s*(?:to|-|–|—|and|or)\s*$", re.IGNORECASE)
_RANGE_FROM = re.compile(r"\b(?:from|between)\s+$", re.IGNORECASE)
_BETWEEN = re.compile(r"\bbetween\s+$", re.IGNORECASE)
QuantityType = Literal["exact", "bounded", "vague"]


@dataclass(frozen=True, slots=True)
class Quantity:
    value: float
    qualifier: str
    low: float | None
    high: float | None
    start: int
    end: int
    quantity: QuantityType = "exact"


def find_quantities(sentence: str) -> Iterator[Quantity]:
    """Every number in ``sentence`` with its qualifier, bounds and kind of quantity; a range
    ("5,000 to 6,000") is one bounded quantity."""
    found = [q for q in map(_quantity, NUMBER.finditer(sentence)) if q is not None]
    index = 0
    while index < len(found):
        here = found[index]
        if index + 1 < len(found) and _is_range(sentence, here, found[index + 1]):
            yield _range(here, found[index + 1])
            index += 2
            continue
        yield here
        index += 1


def _quantity(match: re.Match[str]) -> Quantity | None:
    value = _value(match)
    if value is None:
        return None
    qualifier = (match["qual"] or "").lower()
    vague = bool(match["vague"])
    if vague:
        qualifier = qualifier or match["vague"].lower()
    low, high = _bounds(value, qualifier, vague)
    kind: QuantityType = "vague" if vague else "bounded" if qualifier else "exact"
    return Quantity(value, qualifier, low, high, match.start(), match.end(), kind)


def _is_range(sentence: str, first: Quantity, second: Quantity) -> bool:
    """ "5,000 to 6,000": adjacent precise numbers joined by "to"/"-"/"and" ("and" only after
    "between"); "from 164 to 225" is a change, not a range (unless "between")."""
    if first.quantity == "vague" or second.quantity == "vague" or second.value <= first.value:
        return False
    joint = sentence[first.end : second.start]
    if not _RANGE.match(joint) or len(joint) > 6:
        return False
    before = sentence[: first.start]
    if _BETWEEN.search(before):
        return True
    return not _RANGE_FROM.search(before) and "and" not in joint.lower() and "or" not in joint


def _range(first: Quantity, second: Quantity) -> Quantity:
    low = first.low if first.low is not None else first.value
    return Quantity(second.value, "between", low, second.value, first.start, second.end, "bounded")


def _value(match: re.Match[str]) -> float | None:
    if match["vague"]:
        return float(VAGUE[match["vague"].lower()])
    if match["article"]:
        return float(ARTICLE_AMOUNTS[match["article"].lower()])
    if match["digits"]:
        value = float(re.sub(r"[,\u202f\u00a0 ]", "", match["digits"]))
        scale = (match["scale"] or "").lower() or {
            "m": "million",
            "bn": "billion",
            "k": "thousand",
        }.get((match["abbr"] or "").lower(), "")
        return value * SCALES.get(scale, 1)
    parts = match["word"].lower().replace("-", " ").split()
    spelled = float(sum(TENS.get(w, 0) + UNITS.get(w, 0) for w in parts))
    if match["wscale"]:
        spelled *= SCALES[match["wscale"].lower()]
    return spelled


def _bounds(value: float, qualifier: str, vague: bool) -> tuple[float | None, float | None]:
    if vague:
        return value, None
    side = QUALIFIERS.get(qualifier)
    if side == "low":
        return value, None
    if side == "high":
        return None, value
    if side == "":
        return None, None
    return value, value
