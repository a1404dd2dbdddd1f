"""Does an element name itself boilerplate? (class/id tokens, ARIA roles, ``hidden``).

A class or id token is split into lower-cased parts at ``-``, ``_`` and camelCase humps;
it marks boilerplate when one part is in :data:`~.patterns.BOILERPLATE_PARTS` (or two
neighbours form a :data:`~.patterns.BOILERPLATE_PAIRS` phrase), unless a part says the token
describes the page's layout rather than the element (``has-sidebar``, ``with-ads``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from itertools import pairwise

from selectolax.lexbor import LexborNode

from crawler.core.extract.patterns import (
    BOILERPLATE_PAIRS,
    BOILERPLATE_PARTS,
    LAYOUT_PARTS,
    NEVER_BOILERPLATE_TAGS,
    REGION_PARTS,
    ROLE_BOILERPLATE,
    TOKEN_SPLIT,
)


def boilerplate_block(node: LexborNode) -> bool:
    """True when ``node`` says it is not article text."""
    return _marked(node, boilerplate_marker)


def strong_boilerplate(node: LexborNode) -> bool:
    """True when ``node`` says it is a whole non-article region (comments, related, sidebar)."""
    return _marked(node, strong_marker)


def _marked(node: LexborNode, marker: Callable[[str], bool]) -> bool:
    if node.tag in NEVER_BOILERPLATE_TAGS:
        return False
    attrs = node.attributes
    if not attrs:
        return False
    return (
        "hidden" in attrs
        or (attrs.get("role") or "") in ROLE_BOILERPLATE
        or marker(f"{attrs.get('class') or ''} {attrs.get('id') or ''}")
    )


@lru_cache(maxsize=8192)
def boilerplate_marker(marker: str) -> bool:
    """True when a class/id token names a non-article block (``related-posts``, ``adSlot``)."""
    return _match(marker, BOILERPLATE_PARTS)


@lru_cache(maxsize=8192)
def strong_marker(marker: str) -> bool:
    """True when a class/id token names a non-article region (``comment-list``)."""
    return _match(marker, REGION_PARTS)


def _match(marker: str, vocabulary: frozenset[str]) -> bool:
    for token in marker.split():
        parts = [p.lower() for p in TOKEN_SPLIT.split(token) if p]
        if any(p in LAYOUT_PARTS for p in parts):
            continue
        if any(p in vocabulary for p in parts):
            return True
        if any(pair in BOILERPLATE_PAIRS for pair in pairwise(parts)):
            return True
    return False
