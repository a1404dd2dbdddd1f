"""What an element says about itself: boilerplate region, never-text tag, article-body hint.

A class or id token is split into lower-cased parts at ``-``, ``_`` and camelCase humps;
it marks boilerplate when one part is in :data:`~.patterns.BOILERPLATE_PARTS` (or two
neighbours form a :data:`~.patterns.BOILERPLATE_PAIRS` phrase), unless a part says the token
describes the page's layout rather than the element (``has-sidebar``, ``with-ads``).
Every answer is cached on the attribute strings, which repeat a lot within and across pages.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import pairwise

from selectolax.lexbor import LexborNode

from crawler.core.extract.patterns import (
    BODY_HINTS,
    BOILERPLATE_PAIRS,
    BOILERPLATE_PARTS,
    DROP_TAGS,
    LAYOUT_PARTS,
    NEVER_BOILERPLATE_TAGS,
    REGION_PARTS,
    ROLE_BOILERPLATE,
    SOFT_REGION_PARTS,
    TOKEN_SPLIT,
)

NO_HINT = len(BODY_HINTS)
_DROP = frozenset(DROP_TAGS)
TEXT, REGION, SOFT_REGION, NEVER_TEXT = 0, 1, 2, 3


def classify(node: LexborNode) -> tuple[int, int]:
    """``(kind, hint tier)`` of an element that may hold article text.

    ``kind``: :data:`NEVER_TEXT` for a tag that never holds article text, :data:`REGION`
    for a region that names itself boilerplate (comments, related stories …),
    :data:`SOFT_REGION` for one that may also be a badly named wrapper (``sidebar``,
    ``hidden``), else :data:`TEXT`. ``hint tier``: index into :data:`BODY_HINTS`, or
    :data:`NO_HINT`.
    """
    tag = node.tag or ""
    if tag in _DROP:
        return NEVER_TEXT, NO_HINT
    attrs = node.attributes
    if not attrs:
        return _classify(tag, "", "", "", "", False)
    return _classify(
        tag,
        attrs.get("class") or "",
        attrs.get("id") or "",
        attrs.get("itemprop") or "",
        attrs.get("role") or "",
        "hidden" in attrs,
    )


@lru_cache(maxsize=16384)
def _classify(
    tag: str, classes: str, ident: str, itemprop: str, role: str, hidden: bool
) -> tuple[int, int]:
    tier = _hint_tier(tag, itemprop, classes, ident)
    if tag in NEVER_BOILERPLATE_TAGS:
        return TEXT, tier
    marker = f"{classes} {ident}"
    if role in ROLE_BOILERPLATE or strong_marker(marker):
        return REGION, tier
    if hidden or soft_marker(marker):
        return SOFT_REGION, tier
    return TEXT, tier


def boilerplate_block(node: LexborNode) -> bool:
    """True when ``node`` says it is not article text (a teaser, caption, share bar …)."""
    if node.tag in NEVER_BOILERPLATE_TAGS:
        return False
    attrs = node.attributes
    if not attrs:
        return False
    return (
        "hidden" in attrs
        or (attrs.get("role") or "") in ROLE_BOILERPLATE
        or boilerplate_marker(f"{attrs.get('class') or ''} {attrs.get('id') or ''}")
    )


@lru_cache(maxsize=8192)
def boilerplate_marker(marker: str) -> bool:
    """True when a class/id token names a non-article block (``related-posts``, ``adSlot``)."""
    return _match(marker, BOILERPLATE_PARTS, BOILERPLATE_PAIRS)


@lru_cache(maxsize=8192)
def strong_marker(marker: str) -> bool:
    """True when a class/id token names a non-article region (``comment-list``)."""
    return _match(marker, REGION_PARTS, frozenset())


@lru_cache(maxsize=8192)
def soft_marker(marker: str) -> bool:
    """True when a class/id token names a region that may be a wrapper (``sidebar``)."""
    return _match(marker, SOFT_REGION_PARTS, frozenset())


def _match(marker: str, vocabulary: frozenset[str], pairs: frozenset[tuple[str, str]]) -> bool:
    for token in marker.split():
        parts = [p.lower() for p in TOKEN_SPLIT.split(token) if p]
        if any(p in LAYOUT_PARTS for p in parts):
            continue
        if any(p in vocabulary for p in parts):
            return True
        if pairs and any(pair in pairs for pair in pairwise(parts)):
            return True
    return False


@lru_cache(maxsize=8192)
def _hint_tier(tag: str, itemprop: str, classes: str, ident: str) -> int:
    values = {
        "tag": {tag},
        "itemprop": {itemprop.lower()},
        "class": set(classes.lower().split()),
        "id": {ident.lower()},
    }
    for tier, (kind, tokens) in enumerate(BODY_HINTS):
        if kind.endswith("*"):
            haystack = (classes if kind == "class*" else ident).lower()
            if any(token in haystack for token in tokens):
                return tier
        elif not values[kind].isdisjoint(tokens):
            return tier
    return NO_HINT
