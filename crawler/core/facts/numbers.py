"""Numbers as news copy writes them, with the qualifier in front.

"8,000", "7 939", "2.3 million", "twenty-five", "a dozen", "dozens", "hundreds" — each
optionally preceded by a qualifier ("at least", "nearly", …) that turns into bounds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

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
# vague amounts: (value used, lower bound)
VAGUE = {
    "a dozen": (12, None),
    "dozens": (24, 24),
    "scores": (40, 40),
    "hundreds": (200, 200),
    "thousands": (2_000, 2_000),
    "tens of thousands": (20_000, 20_000),
    "hundreds of thousands": (200_000, 200_000),
    "a handful": (3, None),
    "several": (3, 3),
    "a hundred": (100, None),
    "a thousand": (1_000, None),
}

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
    rf"(?P<digits>{_DIGITS}){_SCALE}|(?P<word>{_WORD_NUM})(?:\s+(?P<wscale>hundred|thousand))?)"
    rf"(?![\w%])(?!-[^\W\d_])(?!\s*(?:%|per\s*cent|percent)\b)",
    re.IGNORECASE,
)
# any spelled-out amount, for "this word is a number" checks elsewhere
WORD_AMOUNT = rf"(?:{'|'.join(sorted(VAGUE, key=len, reverse=True))}|{_WORD_NUM})\b"


@dataclass(frozen=True, slots=True)
class Quantity:
    value: float
    qualifier: str
    low: float | None
    high: float | None
    start: int
    end: int


def find_quantities(sentence: str) -> Iterator[Quantity]:
    """Every number in ``sentence`` with its qualifier and bounds."""
    for match in NUMBER.finditer(sentence):
        parsed = _value(match)
        if parsed is None:
            continue
        value, vague_low = parsed
        qualifier = (match["qual"] or "").lower()
        if match["vague"]:
            qualifier = qualifier or match["vague"].lower()
        low, high = _bounds(value, qualifier, vague_low, bool(match["vague"]))
        yield Quantity(value, qualifier, low, high, match.start(), match.end())


def _value(match: re.Match[str]) -> tuple[float, float | None] | None:
    if match["vague"]:
        amount, low = VAGUE[match["vague"].lower()]
        return float(amount), None if low is None else float(low)
    if match["digits"]:
        value = float(re.sub(r"[,\u202f\u00a0 ]", "", match["digits"]))
        scale = (match["scale"] or "").lower() or {
            "m": "million",
            "bn": "billion",
            "k": "thousand",
        }.get((match["abbr"] or "").lower(), "")
        return value * SCALES.get(scale, 1), None
    parts = match["word"].lower().replace("-", " ").split()
    spelled = float(sum(TENS.get(w, 0) + UNITS.get(w, 0) for w in parts))
    if match["wscale"]:
        spelled *= SCALES[match["wscale"].lower()]
    return spelled, None


def _bounds(
    value: float, qualifier: str, vague_low: float | None, vague: bool
) -> tuple[float | None, float | None]:
    side = QUALIFIERS.get(qualifier)
    if side == "low":
        return value, None
    if side == "high":
        return None, value
    if side == "" or vague:
        return vague_low, None
    return value, value
