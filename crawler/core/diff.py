"""What changed between two versions of an article (pure).

Sentences are compared by their words (case, punctuation, whitespace and digit-group
separators ignored: "8,000" equals "8000"). Page furniture never counts as a change, so a
re-edit that only touches it produces no ``article.updated``:

* update stamps and date lines ("Updated 10:32 GMT", "Sunday, 9 January 2022", "Jan. 9, 2022
  10:32 a.m."), captions and credits, agency datelines on their own line;
* related-link blocks: a "Related" / "Read more" / "More on this story" line and the headline
  lines that follow it (short lines without a full stop, questions included), up to the next
  real paragraph;
* newsletter and sharing prompts ("Sign up for our daily newsletter", "Enter your email").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from crawler.core.text import sentence_key, sentences

_I = re.IGNORECASE
TRIVIAL = tuple(
    re.compile(p, _I)
    for p in (
        r"^(last )?(updated|modified|published|posted|first published)\b.{0,60}$",
        r"^\d{1,2}[:.]\d\d\s*(am|pm|a\.m\.|p\.m\.|gmt|utc|bst|cet|est|edt|pst|pdt)?\b.{0,30}$",
        r"^(image|photo|video|picture|graphic)( caption| credit| source)?\s*[:,]",
        r"^\(?(reporting|writing|editing|additional reporting|compiled) by\b",
        r"^[A-Z .,'-]{2,40}\s+\((reuters|ap|afp|dpa|anadolu)\)\s*[-—–]?\s*$",
        r"^(follow us|share this|share on|click here|watch:|listen:|advertisement|sponsored)\b",
        r"\b(sign up|subscribe)\b.{0,80}\b(newsletter|updates|inbox|briefing|alerts)\b",
        r"^.{0,80}\b(newsletter|enter your email|email address|privacy (policy|notice))\b.{0,80}$",
        r"^(©|copyright\b|all rights reserved)",
    )
)
_TRIVIAL = re.compile("|".join(f"(?:{p.pattern})" for p in TRIVIAL), _I)
FURNITURE_MAX = 200  # characters: furniture is short; longer lines are text
HEADING_MAX = 140  # characters: a related-link headline is no longer than this
# a line that opens a block of links to other stories
RELATED = re.compile(
    r"^(related( (stories|articles|coverage|content|news|links))?|read more|see also|more on "
    r"this( story)?|more from|most read|most popular|trending|recommended|you may also like|"
    r"further reading|in pictures|latest news|top stories)\b(?P<colon>\s*:)?",
    _I,
)
_DATE_WORDS = frozenset(
    """mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday
    saturday sunday jan feb mar apr may jun jul aug sep sept oct nov dec january february march
    april june july august september october november december am pm a m p gmt utc bst cet est
    edt pst pdt cst cdt ist msk at on updated published posted modified last first local
    time""".split()
)
_SEPARATOR = re.compile(r"(?<=\d)[,\u202f\u00a0 ](?=\d{3}(?!\d))")


@dataclass(frozen=True, slots=True)
class TextChange:
    added: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def substantive(self) -> bool:
        return bool(self.added or self.removed)


def is_trivial(sentence: str) -> bool:
    """Furniture: too short, a stamp, a date line, a caption, a prompt (all short lines)."""
    if len(sentence) > FURNITURE_MAX:
        return False
    key = sentence_key(sentence)
    if len(key) < 3 or _TRIVIAL.search(sentence):
        return True
    return _is_date_line(key)


def _is_date_line(key: str) -> bool:
    tokens = key.split()
    return bool(tokens) and all(t.isdigit() or t in _DATE_WORDS for t in tokens)


def content_sentences(text: str, skip: Counter[str] | None = None) -> list[str]:
    """The sentences of ``text`` that carry content (furniture and related blocks dropped).

    ``skip``: long lines (paragraphs) to leave out, e.g. those both versions share.
    """
    out: list[str] = []
    in_related = False
    skip = Counter(skip or ())
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        if skip[stripped] > 0:
            skip[stripped] -= 1
            in_related = False  # a paragraph ends a related block
            continue
        marker = RELATED.match(stripped)
        if marker and (marker["colon"] or _looks_like_heading(stripped)):
            in_related = True  # "Related", "Read more: <headline>"
            continue
        if in_related and _looks_like_heading(stripped):
            continue  # a headline in a related block
        in_related = False
        if not is_trivial(stripped):  # a whole caption line, then sentence by sentence
            out.extend(s for s in sentences(stripped) if not is_trivial(s))
    return out


def _looks_like_heading(line: str) -> bool:
    """Short and without a full stop: a heading or a link text, not a paragraph."""
    return len(line) <= HEADING_MAX and not re.search(r"[.…][\"'”’)]?$", line.strip())


def _key(sentence: str) -> str:
    return sentence_key(_SEPARATOR.sub("", sentence))


def diff_text(old: str, new: str) -> TextChange:
    """Sentences added to and removed from ``old`` to make ``new`` (furniture ignored).

    Paragraphs both versions share (long lines, exactly equal) are left out before splitting:
    their sentences would cancel out anyway.
    """
    shared = _paragraphs(old) & _paragraphs(new)
    old_keyed = [(s, _key(s)) for s in content_sentences(old, shared)]
    new_keyed = [(s, _key(s)) for s in content_sentences(new, shared)]
    old_keys = Counter(k for _, k in old_keyed)
    new_keys = Counter(k for _, k in new_keyed)
    return TextChange(
        added=_surplus(new_keyed, new_keys - old_keys),
        removed=_surplus(old_keyed, old_keys - new_keys),
    )


def _paragraphs(text: str) -> Counter[str]:
    lines = (line.strip() for line in text.split("\n"))
    return Counter(line for line in lines if len(line) > HEADING_MAX)


def _surplus(keyed: list[tuple[str, str]], extra: Counter[str]) -> tuple[str, ...]:
    out = []
    remaining = Counter(extra)
    for sentence, key in keyed:
        if remaining[key] > 0:
            out.append(sentence)
            remaining[key] -= 1
    return tuple(out)
