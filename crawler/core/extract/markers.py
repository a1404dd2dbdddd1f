"""What an element says about itself: boilerplate region, never-text tag, article-body hint.

A class or id token is split into lower-cased parts at ``-``, ``_`` and camelCase humps;
it marks boilerplate when one part is in :data:`~.patterns.BOILERPLATE_PARTS` (or two
neighbours form a :data:`~.patterns.BOILERPLATE_PAIRS` phrase), unless a part says the token
describes the page's layout rather than the element (``has-sidebar``, ``with-ads``).
Answers are cached per attribute string (class strings repeat a lot within and across
pages of one site); :func:`clear_caches` forgets them.
"""

from __future__ import annotations

import re
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


_BOILERPLATE, _REGION, _SOFT = 1, 2, 4


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
    classes = attrs.get("class") or ""
    ident = attrs.get("id") or ""
    tier = min(
        _tier("tag", tag),
        _tier("class", classes) if classes else NO_HINT,
        _tier("id", ident) if ident else NO_HINT,
        _tier("itemprop", attrs.get("itemprop") or "") if "itemprop" in attrs else NO_HINT,
    )
    if tag in NEVER_BOILERPLATE_TAGS:
        return TEXT, tier
    named = _names(classes) | _names(ident)
    if named & _REGION or (attrs.get("role") or "") in ROLE_BOILERPLATE:
        return REGION, tier
    if named & _SOFT or "hidden" in attrs:
        return SOFT_REGION, tier
    return TEXT, tier


def boilerplate_block(node: LexborNode) -> bool:
    """True when ``node`` says it is not article text (a teaser, caption, share bar …)."""
    if node.tag in NEVER_BOILERPLATE_TAGS:
        return False
    attrs = node.attributes
    if not attrs:
        return False
    return bool(
        "hidden" in attrs
        or (attrs.get("role") or "") in ROLE_BOILERPLATE
        or (_names(attrs.get("class") or "") | _names(attrs.get("id") or "")) & _BOILERPLATE
    )


@lru_cache(maxsize=16384)
def _names(value: str) -> int:
    """What the tokens of one class or id attribute say, as a bit set (cached per string)."""
    found = 0
    for token in value.split():
        ordered = [p.lower() for p in TOKEN_SPLIT.split(token) if p]
        parts = set(ordered)
        if not parts or not parts.isdisjoint(LAYOUT_PARTS):
            continue
        if not parts.isdisjoint(BOILERPLATE_PARTS) or (
            len(ordered) > 1 and not BOILERPLATE_PAIRS.isdisjoint(pairwise(ordered))
        ):
            found |= _BOILERPLATE
        if not parts.isdisjoint(REGION_PARTS):
            found |= _REGION
        if not parts.isdisjoint(SOFT_REGION_PARTS):
            found |= _SOFT
    return found


# BODY_HINTS compiled per attribute: [(tier, exact tokens or None, substring pattern or None)]
_HINTS: dict[str, list[tuple[int, frozenset[str] | None, re.Pattern[str] | None]]] = {}
for _index, (_kind, _tokens) in enumerate(BODY_HINTS):
    _HINTS.setdefault(_kind.rstrip("*"), []).append(
        (_index, None, re.compile("|".join(map(re.escape, _tokens))))
        if _kind.endswith("*")
        else (_index, frozenset(_tokens), None)
    )


@lru_cache(maxsize=16384)
def _tier(kind: str, value: str) -> int:
    """The best :data:`BODY_HINTS` tier that ``value`` (of attribute ``kind``) matches."""
    lowered = value.lower()
    tokens = set(lowered.split()) if kind == "class" else {lowered}
    for tier, exact, pattern in _HINTS.get(kind, ()):
        if exact is not None and not tokens.isdisjoint(exact):
            return tier
        if pattern is not None and pattern.search(lowered):
            return tier
    return NO_HINT


def clear_caches() -> None:
    """Forget what was learnt about class/id strings (benchmarks measure cold passes)."""
    _names.cache_clear()
    _tier.cache_clear()
