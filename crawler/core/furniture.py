"""An article's *reporting*, without the furniture that syndication changes (pure).

A wire story republished on ten sites arrives ten ways: ``CAIRO (AP) —`` on one, ``CAIRO --``
or ``Cairo, Sept 12:`` on another, with a byline ("By Samy Magdy and Yousef Murad") or
without, an agency credit ("(Reporting by …; Editing by …)", "© 2023 The Associated Press"),
a "Recommended" / "Read more" / "Also read" line, a "THIS IS A BREAKING NEWS UPDATE" note.
None of that is the report. :func:`reporting` drops it, so that copy detection compares what
the texts *say* (:mod:`crawler.core.dedup`).

Every rule is a generic journalism convention kept as data below — a dateline is a place
(upper case, or followed by an agency or a date) before a dash, colon, pipe or ``>>`` at the
very start of the first paragraph; a byline is a short "By …" line of names; credits and
read-more lines are short lines that start with the convention's words. None names an
outlet's site, a story or a place. A line is dropped only when it is short (``MAX_LINE_WORDS``)
so that a real paragraph that happens to start with "Read" or "By" is never lost.
"""

from __future__ import annotations

import re

MAX_LINE_WORDS = 25  # furniture lines are short; a longer line is reporting
MAX_BYLINE_WORDS = 14
DATELINE_PARAGRAPHS = 2  # a standfirst may come before the dateline's paragraph

_SEP = r"\s*(?:—|–|-{1,2}|:|\||>>|»)\s*"
_CAPS_PLACE = r"[A-Z][A-Z'’.-]+(?:[ ,/]+[A-Z][A-Z'’.-]+){0,3}"
_PLACE = r"[A-Z][\w'’.-]*(?:[ ,/]+[A-Z][\w'’.-]*){0,3}"
_CREDIT = r"\((?:[A-Z][\w.&' -]{0,30})\)"  # (AP), (Reuters), (AFP), (Libya)
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE = rf"(?:,?\s*{_MONTH}\s+\d{{1,2}}(?:,?\s*\d{{4}})?)"

# At the start of the first paragraph: the place the story was filed from.
DATELINES = tuple(
    re.compile(p)
    for p in (
        rf"^{_CAPS_PLACE}\s*(?:{_CREDIT})?\s*{_DATE}?{_SEP}(?=\S)",  # CAIRO (AP) — / TEHRAN:
        rf"^{_PLACE}\s*{_CREDIT}\s*{_DATE}?{_SEP}(?=\S)",  # Paris (AFP) - / Derna (Libya) |
        rf"^{_PLACE}{_DATE}{_SEP}(?=\S)",  # Libya, Sept 19:
        rf"^{_CREDIT}{_SEP}(?=\S)",  # (AP) —
    )
)

# A whole line that is a byline: "By Jane Doe", "By Jane Doe and John Roe, Reuters".
BYLINE = re.compile(
    r"^(?:By|BY)\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*"
    r"(?:\s*(?:,|and|&)\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*)*"
    r"(?:\s*[,|·–—-]\s*.*)?$"
)

# Whole short lines that credit the agency, point elsewhere, or are a wire's service notes.
FURNITURE_LINES = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^\(?\s*(?:additional )?(?:reporting|writing|editing|compiled|translated)\b.*\bby\b",
        r"^\(?\s*(?:©|\(c\)|copyright)\s",
        r"^\(?\s*(?:©|copyright)?\s*\d{4}\b.*\b(?:press|reuters|afp|all rights reserved)\b",
        r"^(?:this|the) (?:story|article|report) (?:has|was) (?:been )?(?:published|edited|"
        r"auto-generated|generated|updated)\b",
        r"^\(?this story has not been edited\b",
        r"^(?:recommended|read more|read also|also read|read|related|see also|more|watch|"
        r"listen|click here|sign up|subscribe|follow us|don[’']t miss|trending)\b\s*[:|>»-]",
        r"^(?:recommended|related (?:stories|articles|coverage)|read more|also read|see also)$",
        r"^this is a breaking news update\b",
        r"^(?:ap|afp|reuters|dpa|ani|pti|ians|xinhua|efe|anadolu|upi|pa)(?: contributed)?\.?$",
        r"^(?:—|–|-)\s*(?:the )?(?:associated press|ap|afp|reuters|dpa|ani|pti|ians|xinhua)$",
    )
)


def reporting(text: str) -> str:
    """``text`` (one paragraph per line) without datelines, bylines, credits and read-more
    lines; the paragraphs that remain are unchanged."""
    kept: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line or is_furniture(line):
            continue
        if len(kept) < DATELINE_PARAGRAPHS:  # a dateline opens the reporting
            line = strip_dateline(line)
        kept.append(line)
    return "\n".join(kept)


def strip_dateline(paragraph: str) -> str:
    for pattern in DATELINES:
        found = pattern.match(paragraph)
        if found and len(found.group(0).split()) <= 8:
            return paragraph[found.end() :]
    return paragraph


def is_furniture(line: str) -> bool:
    words = len(line.split())
    if words <= MAX_BYLINE_WORDS and BYLINE.match(line):
        return True
    return words <= MAX_LINE_WORDS and any(p.match(line) for p in FURNITURE_LINES)
