"""Step 2 of the cascade: find the element that holds the article.

Two independent opinions, then a reconciliation:

a. **hint** — the best match of :data:`~.patterns.BODY_SELECTORS` (containers that call
   themselves the article body), tried in order;
b. **density** — every text node's length is credited to its nearest block element; blocks
   with enough text outside links are *prose*; each prose block's length is added to all its
   ancestors. Starting at ``<body>`` we descend into the child holding most prose while it
   holds at least :data:`DESCEND_SHARE` of its parent's prose: the result is the smallest
   element that still holds the bulk of the page's prose. This finds ``<div>``/``<br>``
   bodies and CMS-specific paragraph markup as well as plain ``<p>`` runs.

The hint wins, unless it wraps the density's pick (the pick is then the tighter frame of
the same text) or holds less than :data:`HINT_MIN_SHARE` of the prose inside the pick (then
it names a fragment, such as a lead paragraph). Where no selector matches, the density's pick
is the container. Lengths count characters, so CJK text (no spaces) weighs what it says.
"""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from crawler.core.extract.markers import strong_boilerplate
from crawler.core.extract.patterns import BODY_SELECTORS, INLINE_TAGS

PROSE_MIN_CHARS = 25
DESCEND_SHARE = 0.7
HINT_MIN_SHARE = 0.2
HINT_MIN_CHARS = 150
WRAPPER_SHARE = 0.5


@dataclass(slots=True)
class Prose:
    """Prose characters held by each element (keyed by ``mem_id``), and the nodes."""

    held: dict[int, int]
    nodes: dict[int, LexborNode]

    def of(self, node: LexborNode) -> int:
        return self.held.get(node.mem_id, 0)


def find_container(body: LexborNode) -> LexborNode | None:
    """The element holding the article text, or ``None`` when the page has no prose."""
    prose = measure_prose(body)
    dense = _descend(body, prose)
    hint = _hint(body, prose)
    if dense is None:
        return hint
    if hint is None:
        return dense
    if contains(hint, dense):
        return dense
    if contains(dense, hint) and prose.of(hint) < HINT_MIN_SHARE * prose.of(dense):
        return dense
    return hint


def measure_prose(body: LexborNode) -> Prose:
    """Credit each prose block's text (outside links) to the block and all its ancestors.

    Blocks inside an element that names itself boilerplate (comments, related stories, …) are
    left out, so a long comment thread does not outweigh a short article.
    """
    blocks: dict[int, list[int]] = {}
    nodes: dict[int, LexborNode] = {}
    for node in body.traverse(include_text=True):
        if node.tag != "-text":
            continue
        text = node.text_content
        if not text or text.isspace():
            continue
        parent = node.parent
        in_link = False
        while parent is not None and parent.tag in INLINE_TAGS:
            in_link = in_link or parent.tag == "a"
            parent = parent.parent
        if parent is None:
            continue
        key = parent.mem_id
        entry = blocks.get(key)
        if entry is None:
            entry = blocks[key] = [0, 0]
            nodes[key] = parent
        entry[1 if in_link else 0] += len(text.strip())
    return _credit(body, blocks, nodes)


def _credit(body: LexborNode, blocks: dict[int, list[int]], nodes: dict[int, LexborNode]) -> Prose:
    """Add each prose block to its ancestors, leaving out boilerplate-marked regions.

    A marked region holding at least :data:`WRAPPER_SHARE` of the page's prose is a wrapper
    with an unlucky name (``penci_sidebar`` around the whole post), not boilerplate.
    """
    raw: dict[int, int] = {}
    marked: dict[int, bool] = {}
    chains: list[tuple[int, list[int]]] = []
    for key, (plain, linked) in blocks.items():
        if plain < PROSE_MIN_CHARS or linked > plain:
            continue
        chain = []
        node: LexborNode | None = nodes[key]
        while node is not None:
            mem = node.mem_id
            if mem not in marked:
                nodes[mem] = node
                marked[mem] = strong_boilerplate(node)
            chain.append(mem)
            raw[mem] = raw.get(mem, 0) + plain
            node = node.parent
        chains.append((plain, chain))
    limit = WRAPPER_SHARE * raw.get(body.mem_id, 0)
    tainted = {mem for mem, flag in marked.items() if flag and raw[mem] < limit}
    if not tainted:
        return Prose(raw, nodes)
    held: dict[int, int] = {}
    for plain, chain in chains:
        if tainted.isdisjoint(chain):
            for mem in chain:
                held[mem] = held.get(mem, 0) + plain
    return Prose(held, nodes)


def _descend(body: LexborNode, prose: Prose) -> LexborNode | None:
    node = body
    total = prose.of(node)
    if not total:
        return None
    while True:
        best, best_held = None, 0
        child = node.child
        while child is not None:
            held = prose.held.get(child.mem_id, 0)
            if held > best_held:
                best, best_held = child, held
            child = child.next
        if best is None or best_held < DESCEND_SHARE * total:
            return node
        node, total = best, best_held


def _hint(body: LexborNode, prose: Prose) -> LexborNode | None:
    for selector in BODY_SELECTORS:
        matches = body.css(selector)
        if not matches:
            continue
        best = max(matches, key=prose.of)
        if prose.of(best) >= HINT_MIN_CHARS:
            return best
    return None


def contains(outer: LexborNode, inner: LexborNode) -> bool:
    """True when ``inner`` is ``outer`` or one of its descendants."""
    target = outer.mem_id
    node: LexborNode | None = inner
    while node is not None:
        if node.mem_id == target:
            return True
        node = node.parent
    return False
