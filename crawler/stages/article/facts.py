"""The story's facts between the pure ledger and the store: read, judge, queue, alert.

:class:`StoryFacts` reads the standing figures a version needs, lets
:func:`crawler.core.facts.revise.revise` judge it, and queues what that returns (timeline
entries, standings that moved) into the caller's MULTI/EXEC; :func:`fact_events` turns the
changes into ``fact.revised`` / ``fact.diverged`` events for the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from redis.asyncio.client import Pipeline

from crawler.core import events
from crawler.core.facts.revise import AlertPolicy, FactChanges, Origin, revise, seed_entries
from crawler.core.facts.story import SEED_DOC
from crawler.models import ArticleRef, Event, SeedProfile, Version
from crawler.store import Store


class StoryFacts:
    def __init__(
        self, store: Store, policy: AlertPolicy, profiles: Mapping[str, SeedProfile]
    ) -> None:
        self._store = store
        self._policy = policy
        self._profiles = profiles

    async def changes(
        self, story: str, origin: Origin, version: Version, previous: Version | None
    ) -> FactChanges:
        """What ``version`` (after ``previous``, None on a first visit) does to the facts."""
        keys = {f.key for f in version.facts}
        standings = await self._store.timeline.standings(story, keys)
        return revise(origin, version, previous, standings, self._policy)

    def queue(self, pipe: Pipeline, story: str, changes: FactChanges) -> None:
        for report in changes.entries:
            self._store.timeline.queue_entry(pipe, story, report)
        for standing in changes.standings:
            self._store.timeline.queue_standing(pipe, story, standing)

    async def queue_seed(self, pipe: Pipeline, story: str) -> None:
        """The seed's readings open the timeline (written once)."""
        profile = self._profiles.get(story)
        if profile is None:
            return
        ref = ArticleRef(profile.source_url, profile.source_url, profile.title, SEED_DOC, 1)
        reports = seed_entries(Origin(ref, SEED_DOC), profile.facts, datetime.now(UTC))
        present = await self._store.timeline.has_entries(story, reports)
        for report, there in zip(reports, present, strict=True):
            if not there:
                self._store.timeline.queue_entry(pipe, story, report)

    async def trim(self, story: str, changes: FactChanges) -> None:
        await self._store.timeline.trim(story, [r.key for r in changes.entries])


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
