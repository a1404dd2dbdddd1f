"""Step 3 of the cascade: the container's text as paragraphs, one per line.

A walk in document order: block elements and ``<br>`` end a line, inline elements and text
continue it, table cells are joined by spaces. Subtrees that name themselves boilerplate
(:data:`~.patterns.BOILERPLATE_PARTS` in a class/id token, an ARIA landmark role, ``hidden``)
are skipped — unless they hold most of the container's text, so a wrapper called
``content-with-sidebar`` is not mistaken for a sidebar. Lines mostly made of link text are
navigation and are dropped.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from crawler.core.extract.markers import boilerplate_block
from crawler.core.extract.patterns import (
    CELL_TAGS,
    DROP_TAGS,
    INLINE_TAGS,
    MAX_LINK_DENSITY,
    SKIP_TAGS,
)

WRAPPER_SHARE = 0.5
_SKIP = SKIP_TAGS.union(DROP_TAGS)


class _Lines:
    """Collects text fragments into lines, tracking how much of each line is link text."""

    __slots__ = ("lines", "linked", "parts", "plain")

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.parts: list[str] = []
        self.plain = 0
        self.linked = 0

    def add(self, text: str, in_link: bool) -> None:
        self.parts.append(text)
        size = len(text.strip())  # indentation between tags is not text
        if in_link:
            self.linked += size
        else:
            self.plain += size

    def end(self) -> None:
        if not self.parts:
            return
        line = " ".join("".join(self.parts).split())
        if line and self.linked <= MAX_LINK_DENSITY * (self.plain + self.linked):
            self.lines.append(line)
        self.parts.clear()
        self.plain = self.linked = 0


def paragraphs(container: LexborNode) -> list[str]:
    """The container's text, one paragraph per list item."""
    out = _Lines()
    _walk(container, out, len(container.text(deep=True)) * WRAPPER_SHARE)
    out.end()
    return out.lines


_NOTHING, _END_LINE, _SPACE = 0, 1, 2


def _walk(container: LexborNode, out: _Lines, budget: float) -> None:
    """Document-order walk with an explicit stack (a page may nest thousands deep).

    Each stack frame is where to resume among a parent's children, the link state there, and
    what to do once the parent's children are done (end the line, add a space, nothing).
    """
    stack: list[tuple[LexborNode | None, bool, int]] = []
    node, in_link, on_exit = container.child, False, _NOTHING
    while True:
        while node is not None:
            tag = node.tag
            if tag == "-text":
                text = node.text_content
                if text:
                    out.add(text, in_link)
            elif tag in INLINE_TAGS:
                if tag != "span" or not _skipped(node, budget):
                    stack.append((node.next, in_link, on_exit))
                    node, in_link, on_exit = node.child, in_link or tag == "a", _NOTHING
                    continue
            elif tag == "br":
                out.end()
            elif tag in CELL_TAGS:
                out.add(" ", False)
                stack.append((node.next, in_link, on_exit))
                node, on_exit = node.child, _SPACE
                continue
            elif tag not in _SKIP and not _skipped(node, budget):
                out.end()
                stack.append((node.next, in_link, on_exit))
                node, on_exit = node.child, _END_LINE
                continue
            node = node.next
        if on_exit == _END_LINE:
            out.end()
        elif on_exit == _SPACE:
            out.add(" ", False)
        if not stack:
            return
        node, in_link, on_exit = stack.pop()


def _skipped(node: LexborNode, budget: float) -> bool:
    return boilerplate_block(node) and len(node.text(deep=True)) < budget
