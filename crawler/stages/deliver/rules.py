"""Which events a hook wants (pure): its ``events`` / ``stories`` filters and rule keys.

* ``events``: event types (``"fact.*"`` a family, ``"*"`` all); ``stories``: story ids.
* Fact rules — they concern fact events (``fact.revised``, ``fact.diverged``) only, other
  events pass them (choose those with ``events``):
  ``kinds`` (``killed``, ``injured``…), ``subjects`` (``people``, ``children``…),
  ``fact_scopes`` (``overall`` = the overall figure: no place/group/period restriction and not
  a partial count; or a scope key such as ``place``), ``direction`` (``up`` / ``down``),
  ``min_change`` (absolute), ``min_change_percent`` (relative to the old value; a figure
  rising from 0 passes any percentage), ``scope`` (``article``: a source revised itself;
  ``story``: sources differ).
* ``min_relevance``: events that carry a relevance (``article.related``) need at least this.

Events written by older versions lack ``direction``, ``change``, ``fact.scope`` and
``fact.role``: the direction and change are then worked out from the old and new values, a
missing scope is the overall figure and a missing role a total.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.config import HookConfig


@dataclass(frozen=True, slots=True)
class Change:
    direction: str  # "up" | "down" | "" (same value)
    absolute: float | None
    relative: float | None  # None when the old value is 0 or unknown


def fact_change(event: dict[str, Any]) -> Change:
    """The event's ``direction`` / ``change``, or as worked out from the two values."""
    fact = event.get("fact") or {}
    old, new = _value(fact.get("old")), _value(fact.get("new"))
    change = event.get("change")
    given: dict[str, Any] = change if isinstance(change, dict) else {}
    absolute = _number(given.get("absolute"))
    if absolute is None and old is not None and new is not None:
        absolute = new - old
    relative = _number(given.get("relative"))
    if relative is None and "relative" not in given and old and new is not None:
        relative = (new - old) / old
    direction = event.get("direction")
    if direction not in ("up", "down"):
        sign = absolute or 0.0
        direction = "up" if sign > 0 else "down" if sign < 0 else ""
    return Change(direction, absolute, relative)


def is_overall(fact: dict[str, Any]) -> bool:
    return not fact.get("scope") and fact.get("role", "total") != "partial"


@dataclass(frozen=True, slots=True)
class Rules:
    events: tuple[str, ...] = ()
    stories: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    fact_scopes: tuple[str, ...] = ()
    direction: str = "any"
    min_change: float = 0.0
    min_change_percent: float = 0.0
    scope: str = "any"
    min_relevance: float = 0.0

    @classmethod
    def of(cls, config: HookConfig) -> Rules:
        return cls(
            config.events,
            config.stories,
            config.kinds,
            config.subjects,
            config.fact_scopes,
            config.direction,
            config.min_change,
            config.min_change_percent,
            config.scope,
            config.min_relevance,
        )

    def accepts(self, event: dict[str, Any]) -> bool:
        etype = str(event.get("type", ""))
        if self.events and not type_matches(etype, self.events):
            return False
        if self.stories and event.get("story") not in self.stories:
            return False
        relevance = _number(event.get("relevance"))
        if relevance is not None and relevance < self.min_relevance:
            return False
        return not etype.startswith("fact.") or self._fact_passes(event)

    def _fact_passes(self, event: dict[str, Any]) -> bool:
        fact = event.get("fact") or {}
        if self.kinds and fact.get("kind") not in self.kinds:
            return False
        if self.subjects and fact.get("subject") not in self.subjects:
            return False
        if self.fact_scopes and not self._scope_matches(fact):
            return False
        if self.scope != "any" and event.get("scope", "article") != self.scope:
            return False
        change = fact_change(event)
        if self.direction != "any" and change.direction != self.direction:
            return False
        if self.min_change and abs(change.absolute or 0.0) < self.min_change:
            return False
        if self.min_change_percent and change.relative is not None:
            return abs(change.relative) * 100 >= self.min_change_percent - 1e-9
        return True

    def _scope_matches(self, fact: dict[str, Any]) -> bool:
        if "overall" in self.fact_scopes and is_overall(fact):
            return True
        restriction = fact.get("scope") or {}
        return isinstance(restriction, dict) and any(k in self.fact_scopes for k in restriction)


def type_matches(etype: str, patterns: tuple[str, ...]) -> bool:
    """``"article.*"`` matches every article event, ``"*"`` every event; else exact names."""
    return any(
        p in ("*", etype) or (p.endswith(".*") and etype.startswith(p[:-1])) for p in patterns
    )


def _value(side: Any) -> float | None:
    return _number(side.get("value")) if isinstance(side, dict) else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
