"""What one article version does to the facts (pure): its own changes and the story's.

:func:`revise` takes the new version, the article's previous version (``None`` on a first
visit) and the story's standing figures for the keys involved, and returns everything to
write — the timeline entries, the standings that moved, and the alerts:

* **article scope**: a key whose own figure (:func:`~crawler.core.facts.article_totals`)
  changed by the margin between the two versions, up or down — one ``fact.revised`` scope
  ``article``. When the same change also moves the story's standing figure, that alert carries
  the story's move (``story_figure`` member) instead of a second, story-scope alert;
* **story scope**: a report the ledger judges ``revised`` or ``corrected``
  (:mod:`crawler.core.facts.ledger`) — one ``fact.revised`` scope ``story``, naming both
  sources;
* **divergence**: a report the ledger judges ``diverged`` (``fact.diverged``, when enabled).

A partial key (a named sub-population, a place, an institution, a period…) has its own
standing figure; whether its moves alert is the :class:`AlertPolicy`'s choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from crawler.core.facts import article_totals
from crawler.core.facts.ledger import Direction, Ledger, Standing
from crawler.core.facts.story import Report
from crawler.models import SUB_POPULATIONS, ArticleRef, Fact, Version

PARTIAL_ALERTS = ("subject", "place")  # the kinds of partial key that may alert


@dataclass(frozen=True, slots=True)
class AlertPolicy:
    """Which moves alert: the ledger's margins, the partial keys that may alert
    (``"subject"``: a named sub-population such as children; ``"place"``: a figure for one
    place), and whether divergences emit ``fact.diverged``."""

    ledger: Ledger = field(default_factory=Ledger)
    partial: frozenset[str] = frozenset({"subject"})
    diverged: bool = False

    def alerts_for(self, fact: Fact) -> bool:
        scope = dict(fact.scope)
        if scope:
            return "place" in self.partial and set(scope) == {"place"}
        return fact.subject not in SUB_POPULATIONS or "subject" in self.partial


@dataclass(frozen=True, slots=True)
class Origin:
    """Who reports: the article's reference, its id and its cluster ("" = its own)."""

    ref: ArticleRef
    doc: str
    cluster: str = ""


@dataclass(frozen=True, slots=True)
class StoryMove:
    """The story's standing figure moved: from ``before`` to ``after``."""

    before: Report
    after: Report
    direction: Direction


@dataclass(frozen=True, slots=True)
class ArticleChange:
    """An article changed its own figure for a key between two versions."""

    old: Fact
    new: Fact
    direction: Direction
    story: StoryMove | None = None  # the same change moved the story's figure


@dataclass(frozen=True, slots=True)
class FactChanges:
    entries: tuple[Report, ...] = ()  # every report, with its effect (the timeline)
    standings: tuple[Standing, ...] = ()  # the standing figures that moved
    article: tuple[ArticleChange, ...] = ()
    story: tuple[StoryMove, ...] = ()
    diverged: tuple[StoryMove, ...] = ()


def revise(
    origin: Origin,
    version: Version,
    previous: Version | None,
    standings: Mapping[str, Standing],
    policy: AlertPolicy,
) -> FactChanges:
    """The facts' part of storing ``version`` (see the module doc)."""
    now, before = article_totals(version.facts), article_totals(previous.facts) if previous else {}
    changes = {k: c for k, c in _own_changes(before, now, policy).items()}
    when = reported_at(version, previous)
    held = dict(standings)
    entries, moved, story, diverged = [], {}, [], []
    for report in _reports(origin, version, previous, before, now, when):
        old = held.get(report.key)
        verdict = policy.ledger.judge(old, report, report.key in changes)
        entries.append(report.with_effect(verdict.effect))
        if verdict.standing is not None:
            held[report.key] = moved[report.key] = verdict.standing
        if verdict.diverged and old is not None and policy.diverged:
            diverged.append(StoryMove(old.report, entries[-1], "down"))
        if verdict.direction is None or verdict.before is None or verdict.after is None:
            continue
        move = StoryMove(verdict.before, verdict.after, verdict.direction)
        if report.key in changes:
            changes[report.key] = replace(changes[report.key], story=move)
        elif verdict.alert and policy.alerts_for(report.fact):
            story.append(move)
    article = tuple(c for c in changes.values() if policy.alerts_for(c.new))
    return FactChanges(
        tuple(entries), tuple(moved.values()), article, tuple(story), tuple(diverged)
    )


def seed_entries(origin: Origin, facts: tuple[Fact, ...], seen_at: datetime) -> list[Report]:
    """The seed's readings: they open the timeline (effect ``seed``), one per key."""
    totals = article_totals(facts)
    return [
        Report(f, origin.ref, origin.doc, origin.doc, None, seen_at, "seed")
        for f in totals.values()
    ]


def _own_changes(
    before: Mapping[str, Fact], now: Mapping[str, Fact], policy: AlertPolicy
) -> dict[str, ArticleChange]:
    out = {}
    for key, fact in now.items():
        old = before.get(key)
        if old is None or not (old.precise and fact.precise):
            continue
        if policy.ledger.margin(fact.kind).apart(fact.value, old.value):
            out[key] = ArticleChange(old, fact, "up" if fact.value > old.value else "down")
    return out


def _reports(
    origin: Origin,
    version: Version,
    previous: Version | None,
    before: Mapping[str, Fact],
    now: Mapping[str, Fact],
    when: datetime,
) -> list[Report]:
    """One report per key whose own figure is new or changed, then the history mentions
    (previous, projection, other event, released) this version adds, one per key and role."""

    def report(fact: Fact) -> Report:
        return Report(fact, origin.ref, origin.doc, origin.cluster or origin.doc, when,
                      version.fetched_at)  # fmt: skip

    out = [report(f) for k, f in now.items() if k not in before or not before[k].same_reading(f)]
    had = {(f.key, f.role) for f in previous.facts} if previous else set()
    seen: set[tuple[str, str]] = set()
    for fact in version.facts:
        mark = (fact.key, fact.role)
        if fact.is_current or mark in had or mark in seen:
            continue
        seen.add(mark)
        out.append(report(fact))
    return out


def reported_at(version: Version, previous: Version | None) -> datetime:
    """When the publisher stated this version's figures (never later than we saw them).

    A first version: its modification (or publication) time, whichever is later. A later
    version: its modification time when that moved, else the time we fetched it.
    """
    seen = version.fetched_at
    if previous is None:
        stated = [t for t in (version.published, version.modified) if t is not None]
        when = max(stated, default=seen)
    elif version.modified and (previous.modified is None or version.modified > previous.modified):
        when = version.modified
    else:
        when = seen
    return min(when, seen)
