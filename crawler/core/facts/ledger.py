"""The story ledger (pure): per fact key, the story's current figure, and when it really moved.

For each ledger key (kind, counted group, scope — see :attr:`crawler.models.Fact.key`) the
ledger holds the story's **standing** figure: the :class:`~crawler.core.facts.story.Report`
that holds it, and the figures an official correction has superseded. Each new report — an
article version's own current figure for the key, or a mention with another role — is judged
by :func:`judge`, first match wins:

``seed``        the seed's own readings open the timeline; never the standing figure (the
                seed is the user's input, usually a rounded copy with no reliable time);
``previous`` / ``projection`` / ``other-event`` / ``released``
                a figure quoted as history, a guess, another event's, people set free:
                timeline only;
``vague``       "dozens", "thousands": timeline only — never revises a precise figure, never
                revised by one;
``first``       no standing figure yet: it becomes it, silently (its article already made
                ``article.related``);
``corrected``   an explicit official correction downwards ("revised down to", "lowered",
                "adjusted", "not X as earlier reported": role ``corrected``) below the standing
                figure by the margin: it becomes the standing figure, with ``direction: down``,
                and the figure it replaces is remembered as superseded;
``superseded``  a figure an official correction replaced, quoted again later (a lagging report
                of the old toll): timeline only;
``revised``     above, by the margin (defaults: ≥ 5 % and ≥ 3), the largest figure reported
                before it (by publication time, so a report processed late is judged where it
                belongs): it emits ``fact.revised`` scope ``story``, naming both sources, and
                becomes the standing figure when it is the largest;
``article``     the same, but the article itself changed this key's figure in place: its
                article-scope ``fact.revised`` is the one alert for it (never two for one
                change);
``higher``      above the standing figure within the margin: it becomes the standing figure
                silently (the story's figure creeps up without an alert per unit);
``earlier``     published before every report that moved the figure (it arrived late): it
                joins the path; if the first figure, which opened the key silently, is above it
                by the margin, that first figure's move from it is alerted now;
``confirmed``   the same value (whatever its qualifier): nothing moves;
``diverged``    below the standing figure by more than the margin, within a day of it: another
                source disagrees — timeline (and ``fact.diverged`` when enabled), never a
                revision;
``lower``       any other lower figure (a lagging, partial or vaguer report): timeline only.

Copies are judged like every report: a copy repeating its original's figure is ``confirmed``,
a copy whose figure differs speaks for itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from crawler.core.facts.story import Report

Effect = Literal[
    "seed",
    "previous",
    "projection",
    "other-event",
    "released",
    "vague",
    "first",
    "corrected",
    "superseded",
    "revised",
    "earlier",
    "article",
    "higher",
    "confirmed",
    "diverged",
    "lower",
]
Direction = Literal["up", "down"]
DIVERGENCE_WINDOW = timedelta(days=1)
PATH = 16
_TIMELINE_ONLY = frozenset({"previous", "projection", "other-event", "released"})


@dataclass(frozen=True, slots=True)
class Margin:
    """How much a figure must move to be news: at least ``relative`` of the old figure and at
    least ``absolute`` people (both must hold)."""

    relative: float = 0.05
    absolute: float = 3.0

    def exceeds(self, new: float, old: float) -> bool:
        """``new`` is above ``old`` by the margin."""
        return new - old >= self.absolute and new - old > self.relative * abs(old)

    def apart(self, a: float, b: float) -> bool:
        """``a`` and ``b`` differ by the margin (either way)."""
        return self.exceeds(a, b) or self.exceeds(b, a)


# built-in per-kind margins: every execution is news
KIND_MARGINS = {"executed": Margin(relative=0.0, absolute=1.0)}


@dataclass(frozen=True, slots=True)
class Standing:
    """The story's current figure for one key: the largest since the last correction, the
    reports that moved it (by publication time), and the figures corrections superseded."""

    report: Report
    superseded: tuple[float, ...] = ()  # figures an official correction replaced
    path: tuple[Report, ...] = ()  # the reports that moved the figure, oldest first

    @property
    def trail(self) -> tuple[Report, ...]:
        """The path, or the figure alone when no path was recorded."""
        return self.path or (self.report,)

    def joined(self, report: Report, stands: bool) -> Standing:
        """``report`` joins the path; it becomes the figure when ``stands``."""
        path = tuple(sorted((*self.trail, report), key=when))[-PATH:]
        return Standing(report if stands else self.report, self.superseded, path)

    def corrected(self, report: Report) -> Standing:
        """``report`` corrects the figure down: every figure that stood above it is superseded
        and the path starts again from it."""
        value = report.fact.value
        above = {r.fact.value for r in self.trail if r.fact.value > value}
        return Standing(report, tuple(sorted({*self.superseded, *above})), (report,))

    def to_json(self) -> dict[str, Any]:
        return {
            **self.report.to_json(),
            "superseded": list(self.superseded),
            "path": [r.to_json() for r in self.path],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Standing:
        return cls(
            Report.from_json(data),
            tuple(float(v) for v in data.get("superseded", ())),
            tuple(Report.from_json(r) for r in data.get("path", ())),
        )


@dataclass(frozen=True, slots=True)
class Judgement:
    effect: Effect
    standing: Standing | None = None  # the key's new standing record, when it changes
    direction: Direction | None = None  # the story's figure moved by the margin this way
    before: Report | None = None  # ... from this report's figure
    after: Report | None = None  # ... to this one's (the new report, or the one it precedes)
    diverged: bool = False  # emit fact.diverged (when the user enabled it)

    @property
    def alert(self) -> Direction | None:
        """Emit a story-scope ``fact.revised`` in this direction (``article`` effects carry
        the story's move in their article-scope alert instead)."""
        return self.direction if self.effect in ("revised", "corrected", "earlier") else None


@dataclass(frozen=True, slots=True)
class Ledger:
    """The ledger's rules with their margins (per kind; ``default`` for the rest)."""

    default: Margin = Margin()
    kinds: dict[str, Margin] = field(default_factory=lambda: dict(KIND_MARGINS))

    def margin(self, kind: str) -> Margin:
        return self.kinds.get(kind, self.default)

    def judge(self, standing: Standing | None, new: Report, own_change: bool) -> Judgement:
        """What ``new`` does to the story whose standing record for its key is ``standing``.

        ``own_change``: the article itself changed this key's figure between two versions (an
        article-scope ``fact.revised`` is emitted for it).
        """
        fact = new.fact
        if new.from_seed:
            return Judgement("seed")
        if fact.role in _TIMELINE_ONLY:
            return Judgement(fact.role)  # type: ignore[arg-type]
        if not fact.precise:
            return Judgement("vague")
        if standing is None:
            first = new.with_effect("first")
            return Judgement("first", Standing(first, (), (first,)))
        return self._against(standing, new, own_change)

    def _against(self, standing: Standing, new: Report, own_change: bool) -> Judgement:
        margin = self.margin(new.fact.kind)
        value, held = new.fact.value, standing.report.fact.value
        if new.fact.role == "corrected" and margin.exceeds(held, value):
            effect: Effect = "article" if own_change else "corrected"
            moved = standing.corrected(new.with_effect(effect))
            return Judgement(effect, moved, "down", standing.report, moved.report)
        if value > held and any(not margin.apart(value, old) for old in standing.superseded):
            return Judgement("superseded")
        prior = [r for r in standing.trail if when(r) <= when(new)]
        if not prior:
            return self._earliest(standing, new, margin)
        top = max(prior, key=lambda r: r.fact.value)
        if margin.exceeds(value, top.fact.value):
            if any(not margin.apart(r.fact.value, value) for r in standing.trail):
                # the same move, already told by a later report processed first: once is enough
                return Judgement("confirmed", standing.joined(new.with_effect("confirmed"), False))
            effect = "article" if own_change else "revised"
            recorded = new.with_effect(effect)
            return Judgement(effect, standing.joined(recorded, value > held), "up", top, recorded)
        if value > held:
            return Judgement("higher", standing.joined(new.with_effect("higher"), True))
        if value == held:
            return Judgement("confirmed")
        if margin.exceeds(held, value) and _close(new, standing.report):
            return Judgement("diverged", diverged=not own_change)
        return Judgement("lower")

    def _earliest(self, standing: Standing, new: Report, margin: Margin) -> Judgement:
        """A report published before every report that moved the figure (it arrived late): in
        publication order it opened the key, so a silent first figure above it by the margin
        was a revision of it — alerted now, once."""
        opened = standing.trail[0]
        recorded = new.with_effect("earlier")
        moved = standing.joined(recorded, False)
        if opened.effect != "first" or not margin.exceeds(opened.fact.value, new.fact.value):
            return Judgement("earlier", moved)
        revised = opened.with_effect("revised")
        path = tuple(revised if r == opened else r for r in moved.path)
        report = revised if standing.report == opened else standing.report
        return Judgement("earlier", Standing(report, moved.superseded, path), "up", new, revised)


def when(report: Report) -> datetime:
    """When a report was stated (its publisher's time, else when it was seen)."""
    stated = report.reported_at or report.seen_at
    return stated if stated.tzinfo else stated.replace(tzinfo=UTC)


def _close(a: Report, b: Report) -> bool:
    return abs(when(a) - when(b)) <= DIVERGENCE_WINDOW
