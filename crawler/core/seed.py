"""Seed intake: the user's story as plain text (pure; files and URLs are read in ``seeds``).

A plain-text seed is read like the user's example: the first line is the title; aggregator
boilerplate (disclaimers, "Related Articles", "Back to top") is removed; a line that starts
with the original report's URL is kept as ``source_url`` and ends the body, together with the
short attribution lines (author name) that follow it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.core.text import normalize_space
from crawler.errors import SeedError

BOILERPLATE = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^related (articles|stories|posts|news)\b",
        r"^back to top",
        r"^(read|see) (more|also)\b",
        r"\bautomatic aggregator\b",
        r"\ball (rights reserved|trademarks belong)\b",
        r"\bif you are the owner of (the|this) content\b",
        r"\bwill be deleted within\b",
        r"^(share|tweet|email|print)( this( article)?)?$",
        r"^(advertisement|sponsored|subscribe( now)?|sign up)\b",
        r"^(copyright|©)",
    )
)
_SOURCE_LINE = re.compile(r"^(https?://\S+)")
MAX_ATTRIBUTION_WORDS = 6


@dataclass(frozen=True, slots=True)
class SeedText:
    title: str
    body: str
    source_url: str = ""


def parse_seed_text(text: str) -> SeedText:
    """Split a plain-text seed into title, cleaned body (one paragraph per line) and source."""
    paragraphs = [normalize_space(p) for p in text.replace("\r\n", "\n").split("\n")]
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        raise SeedError("the seed is empty")
    title, rest = paragraphs[0], paragraphs[1:]
    body: list[str] = []
    source_url = ""
    for index, paragraph in enumerate(rest):
        match = _SOURCE_LINE.match(paragraph)
        if match and _is_trailer(rest[index + 1 :]):
            source_url = match.group(1)
            break
        if not any(p.search(paragraph) for p in BOILERPLATE):
            body.append(paragraph)
    if not body:
        raise SeedError("the seed holds a title but no story text")
    return SeedText(title=title, body="\n".join(body), source_url=source_url)


def _is_trailer(following: list[str]) -> bool:
    """After a source line only attribution and boilerplate may follow."""
    return all(
        len(p.split()) <= MAX_ATTRIBUTION_WORDS or any(b.search(p) for b in BOILERPLATE)
        for p in following
    )
