"""The story's facts between the pure ledger and the store: read, judge, write, alert.

:class:`StoryFacts` reads the standing figures a version needs, lets
:func:`crawler.core.facts.revise.revise` judge it, and returns what that decides (timeline
entries, standings that moved) as writes for the caller's write set; :func:`fact_events`
turns the changes into ``fact.revised`` / ``fact.diverged`` events committed with them.
"""

from __future__ import annotations

from collections.abc import Mapping

from crawler.clock import Clock, SystemClock, utc
from crawler.core import events
from crawler.core.facts.revise import AlertPolicy, FactChanges, Origin, revise, seed_entries
from crawler.core.facts.story import SEED_DOC
from crawler.models import ArticleRef, Event, SeedProfile, Version
from crawler.store import Store, WriteSet
from crawler.store.writes import Reading, StandingIs


class StoryFacts:
    def __init__(
        self,
        store: Store,
        policy: AlertPolicy,
        profiles: Mapping[str, SeedProfile],
        clock: Clock | None = None,
    ) -> None:
        self._store = store
        self._clock = clock or SystemClock()
        self._seeded: set[str] = set()  # stories whose seed readings are stored
        self._policy = policy
        self._profiles = profiles

    async def changes(
        self, story: str, origin: Origin, version: Version, previous: Version | None
    ) -> FactChanges:
        """What ``version`` (after ``previous``, None on a first visit) does to the facts."""
        keys = {f.key for f in version.facts}
        standings = await self._store.timeline.standings(story, keys)
        return revise(origin, version, previous, standings, self._policy)

    def writes(self, story: str, changes: FactChanges) -> WriteSet:
        writes = WriteSet().add(*(Reading(story, report) for report in changes.entries))
        return writes.add(*(StandingIs(story, standing) for standing in changes.standings))

    async def seed_writes(self, story: str) -> WriteSet:
        """The seed's readings open the timeline (written once; once they are seen stored,
        this process does not look again)."""
        profile = self._profiles.get(story)
        if profile is None or story in self._seeded:
            return WriteSet()
        ref = ArticleRef(profile.source_url, profile.source_url, profile.title, SEED_DOC, 1)
        reports = seed_entries(Origin(ref, SEED_DOC), profile.facts, utc(self._clock))
        present = await self._store.timeline.has_entries(story, reports)
        missing = [r for r, there in zip(reports, present, strict=True) if not there]
        if not missing:
            self._seeded.add(story)
        return WriteSet().add(*(Reading(story, report) for report in missing))


def fact_events(story: str, ref: ArticleRef, changes: FactChanges) -> list[Event]:
    """The alerts of one version's fact changes: article scope (carrying the story's move
    when the same change moved it), story scope, divergences."""
    out = []
    for change in changes.article:
        moved = None
        if change.story is not None:
            held = change.story.before
            moved = (held.fact, held.article, change.story.direction)
        out.append(events.fact_revised(story, ref, change.old, change.new, moved=moved))
    for move in changes.story:
        before, after = move.before, move.after
        out.append(
            events.fact_revised(story, after.article, before.fact, after.fact, before.article)
        )
    for move in changes.diverged:
        before, after = move.before, move.after
        out.append(
            events.fact_revised(
                story, after.article, before.fact, after.fact, before.article, None,
                "fact.diverged",
            )
        )  # fmt: skip
    return out
