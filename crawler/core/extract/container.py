"""Step 2 of the cascade: find the element that holds the article.

One pass over the page's text nodes measures where the prose is; two opinions follow:

a. **density** — every text node's length is credited to its nearest block element; blocks
   with :data:`PROSE_MIN_CHARS` outside links are *prose*, and each prose block's length is
   added to all its ancestors. Starting at ``<body>`` we descend into the child holding most
   prose while it holds at least :data:`DESCEND_SHARE` of its parent's (but never into a
   single paragraph): the result is the smallest element that still holds the bulk of the
   prose. This finds ``<div>``/``<br>`` bodies and CMS-specific paragraph markup as well
   as plain ``<p>`` runs.
b. **hint** — among the ancestors of prose, the element in the best tier of
   :data:`~.patterns.BODY_HINTS` (``itemprop=articleBody``, ``entry-content``, …) holding
   the most prose (at least :data:`HINT_MIN_CHARS`).

Prose under never-text tags (``<aside>``, ``<figure>``, …) and under regions that name
themselves boilerplate (comments, related, newsletter …) is not counted; nor under a
``sidebar`` unless it holds :data:`WRAPPER_SHARE` of all prose (then it is a wrapper with an
unlucky name). Only elements holding :data:`HINT_MIN_CHARS` of prose are asked for their
names: reading attributes is the costly part.

The hint wins, unless it wraps the density's pick (the pick is then the tighter frame of
the same text) or holds less than :data:`HINT_MIN_SHARE` of the prose inside the pick (then
it names a fragment, such as a lead paragraph). Lengths count characters, so CJK text (no
spaces) weighs what it says.
"""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from crawler.core.extract.markers import NO_HINT, REGION, SOFT_REGION, classify
from crawler.core.extract.patterns import DROP_TAGS, INLINE_TAGS

PROSE_MIN_CHARS = 25
DESCEND_SHARE = 0.7
HINT_MIN_SHARE = 0.2
HINT_MIN_CHARS = 150
WRAPPER_SHARE = 0.5
NEVER_TEXT_TAGS = frozenset(DROP_TAGS)
# Blocks that are never the container themselves: classified through their parent only.
PARAGRAPH_TAGS = frozenset({"p", "li", "h2", "h3", "h4", "h5", "h6", "dd", "dt"})


@dataclass(slots=True)
class Prose:
    """Prose characters held by each element (keyed by ``mem_id``), and the best hint."""

    held: dict[int, int]
    nodes: dict[int, LexborNode]
    hint: LexborNode | None = None

    def of(self, node: LexborNode) -> int:
        return self.held.get(node.mem_id, 0)


def find_container(body: LexborNode) -> LexborNode | None:
    """The element holding the article text, or ``None`` when the page has no prose."""
    prose = measure_prose(body)
    dense = _descend(body, prose)
    hint = prose.hint
    if dense is None or hint is None:
        return hint or dense
    if contains(hint, dense):
        return dense
    if contains(dense, hint) and prose.of(hint) < HINT_MIN_SHARE * prose.of(dense):
        return dense
    return hint


def measure_prose(body: LexborNode) -> Prose:
    """Find the prose blocks and credit them to their ancestors."""
    blocks: dict[int, list[int]] = {}
    nodes: dict[int, LexborNode] = {}
    for node in body.traverse(include_text=True):
        if not node.is_text_node or node.is_empty_text_node:
            continue
        text = node.text_content or ""
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
    """Credit prose to the blocks and every ancestor (paragraphs grouped by parent first)."""
    up: dict[int, int] = {}
    own, grouped = _group(blocks, nodes)
    never: set[int] = set()
    chains = [(plain, _chain(nodes[mem], up, never, nodes)) for mem, plain in grouped.items()]
    raw = _sum(chains, frozenset(never), own)
    # Only elements holding enough prose to matter are asked what they are (costly).
    marks = {m: classify(nodes[m]) for m, held in raw.items() if held >= HINT_MIN_CHARS}
    limit = WRAPPER_SHARE * raw.get(body.mem_id, 0)
    regions = [
        m
        for m, (kind, _) in marks.items()
        if kind == REGION or (kind == SOFT_REGION and raw[m] < limit)
    ]
    held = _sum(chains, frozenset(never.union(regions)), own) if regions else raw
    if not held.get(body.mem_id):
        held = raw  # everything is named boilerplate: the names are not telling

    prose = Prose(held, nodes)
    hints = [
        (tier, -held.get(mem, 0), mem)
        for mem, (_, tier) in marks.items()
        if tier < NO_HINT and held.get(mem, 0) >= HINT_MIN_CHARS
    ]
    if hints:
        prose.hint = nodes[min(hints)[2]]
    return prose


def _group(
    blocks: dict[int, list[int]], nodes: dict[int, LexborNode]
) -> tuple[dict[int, int], dict[int, int]]:
    """``(prose of each paragraph, prose to credit from each element up)``."""
    own: dict[int, int] = {}
    grouped: dict[int, int] = {}
    for key, (plain, linked) in blocks.items():
        if plain < PROSE_MIN_CHARS or linked > plain:
            continue
        block = nodes[key]
        tag = block.tag
        if tag in NEVER_TEXT_TAGS:
            continue
        if tag not in PARAGRAPH_TAGS:  # a <div>/<td>/<section> with text may be the container
            grouped[key] = grouped.get(key, 0) + plain
            continue
        own[key] = plain
        parent = block.parent
        if parent is not None:
            mem = parent.mem_id
            nodes.setdefault(mem, parent)
            grouped[mem] = grouped.get(mem, 0) + plain
    return own, grouped


def _chain(
    start: LexborNode, up: dict[int, int], never: set[int], nodes: dict[int, LexborNode]
) -> list[int]:
    """mem_ids from ``start`` to the root; each element is looked at once per page."""
    node: LexborNode | None = start
    mem = start.mem_id
    while node is not None and mem not in up:
        nodes.setdefault(mem, node)
        if node.tag in NEVER_TEXT_TAGS:
            never.add(mem)
        parent = node.parent
        up[mem] = parent.mem_id if parent is not None else 0
        node, mem = parent, up[mem]
    chain = []
    mem = start.mem_id
    while mem:
        chain.append(mem)
        mem = up.get(mem, 0)
    return chain


def _sum(
    chains: list[tuple[int, list[int]]], excluded: frozenset[int], own: dict[int, int]
) -> dict[int, int]:
    held = dict(own)
    for plain, chain in chains:
        if excluded and not excluded.isdisjoint(chain):
            continue
        for mem in chain:
            held[mem] = held.get(mem, 0) + plain
    return held


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
        if best is None or best_held < DESCEND_SHARE * total or best.tag in PARAGRAPH_TAGS:
            return node  # (a single paragraph is never the container: its parent is)
        node, total = best, best_held


def contains(outer: LexborNode, inner: LexborNode) -> bool:
    """True when ``inner`` is ``outer`` or one of its descendants."""
    target = outer.mem_id
    node: LexborNode | None = inner
    while node is not None:
        if node.mem_id == target:
            return True
        node = node.parent
    return False
