"""How costly a page is to parse, estimated from its bytes before parsing (pure).

An HTML5 tree builder checks the stack of open elements at many start tags ("is there a
``<p>`` in button scope?" at every ``<div>``, ``<section>``, ``<ul>`` …), so its cost grows
with *the number of tags times the nesting depth*: lexbor takes 3 s for 40,000 nested
``<div>`` and 91 s for 200,000 (1.2 MB, well under the body cap), and a page of 500 nested
``<span>`` followed by 500,000 ``<div></div>`` takes 0.8 s. Real news pages nest 20–50 deep
(the 123 pages of the extraction benchmark: at most 48 levels, 3,019 tags, a nesting cost of
12,874).

:func:`estimate` scans the tags (comments and the raw text of ``<script>``, ``<style>`` …
skipped; void and self-closing elements and the elements whose next sibling closes them —
``p``, ``li``, ``td``, ``option`` … — not counted as nesting) and returns the peak depth, the
tag count and the *nesting cost*: the sum of the depth at every start tag, which is what the
tree builder's stack walks add up to. :func:`check_nesting` refuses a page whose nesting cost
or tag count is above its limit with an :class:`~crawler.errors.ExtractError` before the
parser sees it; depth alone is no problem (10,000 nested ``<span>`` parse in 3 ms). A page
with at most :data:`QUICK_TAGS` ``<`` cannot exceed either limit (n tags cost at most
n²/2) and is not scanned at all (one C-level count), so ordinary pages pay almost nothing.

The scan is linear: every step moves forward, and an unterminated comment, raw-text element
or tag ends it (the parser would read the rest as text too).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from crawler.errors import ExtractError

MAX_COST = 50_000_000  # sum of depths at start tags (parse ≈ 0.15 s at the limit)
MAX_TAGS = 400_000  # tags (a flat page this size takes ≈ 1.5 s to extract)
QUICK_TAGS = math.isqrt(2 * MAX_COST)  # 10,000: fewer tags cannot cost more than MAX_COST

_TAG = re.compile(rb"<(/?)([a-z][a-z0-9:-]*)|<!--")
# elements whose content is text up to their end tag
RAW_TEXT = frozenset(
    b"script style textarea title xmp iframe noembed noframes noscript plaintext".split()
)
# start tags that never deepen the tree: void elements, elements the next sibling closes,
# and the document's own frame
FLAT = frozenset(
    b"""area base br col embed hr img input link meta param source track wbr keygen basefont
    bgsound frame image p li dt dd option optgroup tr td th thead tbody tfoot rb rt rp rtc
    html head body""".split()
)
_SLASH = ord("/")


@dataclass(frozen=True, slots=True)
class Nesting:
    depth: int  # the deepest nesting seen
    tags: int  # start and end tags
    cost: int  # sum of the depth at every start tag

    def problem(self) -> str:
        """Why the page is refused ("" when it is not)."""
        if self.cost > MAX_COST:
            return (
                f"{self.tags:,}+ tags nested up to {self.depth:,} deep: nesting cost "
                f"{self.cost:,}, limit {MAX_COST:,}"
            )
        if self.tags > MAX_TAGS:
            return f"{self.tags:,}+ tags, limit {MAX_TAGS:,}"
        return ""


def check_nesting(source: str | bytes, url: str = "") -> None:
    """Raise :class:`ExtractError` when ``source`` would be too costly to parse."""
    if isinstance(source, str):
        if source.count("<") <= QUICK_TAGS:
            return  # cannot exceed any limit
        data = source.encode("utf-8", "replace")
    elif source.count(b"<") <= QUICK_TAGS:
        return
    else:
        data = source
    problem = estimate(data).problem()
    if problem:
        at = f" at {url}" if url else ""
        raise ExtractError(f"page refused, too costly to parse ({problem}){at}")


def estimate(data: bytes) -> Nesting:
    """Peak depth, tag count and nesting cost of ``data``; stops early past a limit."""
    data = data.lower()
    search, find = _TAG.search, data.find
    pos = depth = peak = tags = cost = 0
    while (match := search(data, pos)) is not None:
        name = match.group(2)
        if name is None:  # a comment
            pos = find(b"-->", match.end()) + 3
            if pos < 3:
                break
            continue
        end = find(b">", match.end())
        if end < 0:
            break
        tags += 1
        pos = end + 1
        if match.group(1):  # an end tag
            if depth and name not in FLAT:
                depth -= 1
        elif name in RAW_TEXT:  # skip to its end tag
            close = find(b"</" + name, pos)
            if close < 0:
                break
            pos = close + 2 + len(name)
        elif name not in FLAT and data[end - 1] != _SLASH:
            depth += 1
            cost += depth
            peak = max(peak, depth)
            if cost > MAX_COST:
                break
        if tags > MAX_TAGS:
            break
    return Nesting(peak, tags, cost)
