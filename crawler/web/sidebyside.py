"""Two versions of an article side by side (pure): aligned sentences, changes marked.

Which sentences changed is decided by :func:`crawler.core.diff.diff_text` (furniture such as
update stamps never counts); :mod:`difflib` only lines the two texts up so that each row holds
a sentence of the old version and its counterpart in the new one. Changed figures — fact keys
whose own figure moved (:func:`crawler.core.facts.changed_figures`) — are marked inside their
sentences: the number that changed becomes a ``figure`` segment.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass

from crawler.core.diff import diff_text
from crawler.core.facts import changed_figures
from crawler.core.text import sentence_key, sentences
from crawler.models import Fact, Version

_NUMBER = re.compile(r"\d[\d,.\u202f\u00a0 ]*\d|\d")


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    figure: bool = False  # a changed figure inside a changed sentence


@dataclass(frozen=True, slots=True)
class Cell:
    segments: tuple[Segment, ...]
    changed: bool  # added (right) or removed (left)


@dataclass(frozen=True, slots=True)
class Row:
    left: Cell | None
    right: Cell | None


@dataclass(frozen=True, slots=True)
class SideBySide:
    rows: tuple[Row, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    figures: tuple[tuple[Fact, Fact], ...]  # (old, new) per changed figure


def side_by_side(old: Version, new: Version) -> SideBySide:
    change = diff_text(f"{old.title}\n{old.text}", f"{new.title}\n{new.text}")
    figures = tuple(changed_figures(old.facts, new.facts))
    left = _split(old)
    right = _split(new)
    removed, added = Counter(change.removed), Counter(change.added)
    old_numbers = [(before.sentence, before.value) for before, _ in figures]
    new_numbers = [(after.sentence, after.value) for _, after in figures]
    matcher = difflib.SequenceMatcher(
        a=[sentence_key(s) for s in left], b=[sentence_key(s) for s in right], autojunk=False
    )
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        olds = [_cell(s, removed, old_numbers) for s in left[i1:i2]]
        news = [_cell(s, added, new_numbers) for s in right[j1:j2]]
        if tag == "equal":
            olds = [Cell(c.segments, False) for c in olds]
            news = [Cell(c.segments, False) for c in news]
        for k in range(max(len(olds), len(news))):
            rows.append(Row(olds[k] if k < len(olds) else None, news[k] if k < len(news) else None))
    return SideBySide(tuple(rows), change.added, change.removed, figures)


def _split(version: Version) -> list[str]:
    out = [version.title] if version.title else []
    for line in version.text.split("\n"):
        if line.strip():
            out.extend(sentences(line))
    return out


def _cell(sentence: str, changed: Counter[str], numbers: list[tuple[str, float]]) -> Cell:
    is_changed = changed[sentence] > 0
    if is_changed:
        changed[sentence] -= 1
    values = [v for text, v in numbers if text and (text in sentence or sentence in text)]
    if not (is_changed and values):
        return Cell((Segment(sentence),), is_changed)
    return Cell(_mark_figures(sentence, values), True)


def _mark_figures(sentence: str, values: list[float]) -> tuple[Segment, ...]:
    segments: list[Segment] = []
    start = 0
    for match in _NUMBER.finditer(sentence):
        digits = re.sub(r"[,\u202f\u00a0 ]", "", match.group())
        try:
            number = float(digits)
        except ValueError:
            continue
        if number in values:
            segments.append(Segment(sentence[start : match.start()]))
            segments.append(Segment(match.group(), figure=True))
            start = match.end()
    segments.append(Segment(sentence[start:]))
    return tuple(s for s in segments if s.text)
