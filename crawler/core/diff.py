"""What changed between two versions of an article (pure).

Sentences are compared by :func:`~crawler.core.text.sentence_key` (case, punctuation and
whitespace ignored). Sentences that only carry page furniture — update stamps, datelines,
related-link and newsletter prompts (``TRIVIAL`` below) — never count as a change, so a
re-edit that only touches them produces no ``article.updated``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from crawler.core.facts import facts_by_key
from crawler.core.text import sentence_key, sentences
from crawler.models import Fact

TRIVIAL = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^(last )?(updated|modified|published|posted)\b.{0,60}$",
        r"^\d{1,2}[:.]\d\d\s*(am|pm|gmt|utc|bst|cet|est|edt|pst|pdt)?\b.{0,30}$",
        r"^(mon|tue|wed|thu|fri|sat|sun)\w*,? .{0,40}\d{4}.{0,20}$",
        r"^\w+(day)?,? \d{1,2} \w+ \d{4}.{0,20}$",
        r"^(related|read more|see also|more on this story|most read|trending)\b",
        r"\b(sign up|subscribe)\b.{0,80}\b(newsletter|updates|inbox)\b",
        r"^(follow us|share this|click here|watch:|listen:|advertisement)\b",
        r"^(image|photo|video)( caption| credit)?:",
        r"^\(?(reporting|writing|editing|additional reporting) by\b",
        r"^[A-Z .,'-]{2,40}\s+\((reuters|ap|afp)\)\s*[-—–]?\s*$",
    )
)


@dataclass(frozen=True, slots=True)
class TextChange:
    added: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def substantive(self) -> bool:
        return bool(self.added or self.removed)


@dataclass(frozen=True, slots=True)
class FactChange:
    old: Fact
    new: Fact


def is_trivial(sentence: str) -> bool:
    return len(sentence_key(sentence)) < 3 or any(p.search(sentence) for p in TRIVIAL)


def diff_text(old: str, new: str) -> TextChange:
    """Sentences added to and removed from ``old`` to make ``new`` (trivial ones ignored)."""
    old_sentences = [s for s in sentences(old) if not is_trivial(s)]
    new_sentences = [s for s in sentences(new) if not is_trivial(s)]
    old_keys = Counter(sentence_key(s) for s in old_sentences)
    new_keys = Counter(sentence_key(s) for s in new_sentences)
    return TextChange(
        added=_surplus(new_sentences, new_keys - old_keys),
        removed=_surplus(old_sentences, old_keys - new_keys),
    )


def _surplus(ordered: list[str], extra: Counter[str]) -> tuple[str, ...]:
    out = []
    remaining = Counter(extra)
    for sentence in ordered:
        key = sentence_key(sentence)
        if remaining[key] > 0:
            out.append(sentence)
            remaining[key] -= 1
    return tuple(out)


def diff_facts(old: tuple[Fact, ...], new: tuple[Fact, ...]) -> list[FactChange]:
    """Fact keys (kind, subject) present in both whose reading (value or bounds) changed."""
    before, after = facts_by_key(old), facts_by_key(new)
    return [
        FactChange(before[key], fact)
        for key, fact in after.items()
        if key in before and not before[key].same_reading(fact)
    ]
