"""What one feed poll writes: per-story seen entries and the poll's single transaction.

Seen entries are kept **per story**: the hash ``{p}entries`` maps ``story|doc`` (``doc`` =
:func:`~crawler.store.keys.url_doc` of the entry's link) to a :class:`SeenEntry`, so a link
that one story's feed took first is still new to another story's feed. Records written before
this layout (keyed by ``doc`` alone) are ignored: their entries count as new once, and the
worker's own "already judged" check keeps that from repeating any alert.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crawler.models import Event, FeedEntry
from crawler.store.waiting import Waiting

if TYPE_CHECKING:
    from crawler.store import Store
    from crawler.store.schedule import FeedState


def seen_field(story: str, doc: str) -> str:
    return f"{story}|{doc}"


@dataclass(frozen=True, slots=True)
class SeenEntry:
    """A story's record of a feed entry: the publisher's stamp when last taken, and — once a
    moved stamp queued a signal fetch — when, and the article's version then."""

    stamp: str
    signaled: float = 0.0
    version: str = ""

    def value(self) -> str:
        if not self.signaled:
            return self.stamp
        return f"{self.stamp}|{int(self.signaled)}|{self.version}"  # whole seconds, never later

    @classmethod
    def parse(cls, raw: bytes) -> SeenEntry:
        stamp, _, rest = raw.decode().partition("|")
        if not rest:
            return cls(stamp)
        signaled, _, version = rest.partition("|")
        return cls(stamp, float(signaled or 0), version)


@dataclass(slots=True)
class PollWrites:
    """What one poll changes besides the feed state (written in the same transaction)."""

    events: list[Event] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)  # seen_field → SeenEntry.value()
    learn: list[set[str]] = field(default_factory=list)
    skipped: list[tuple[str, FeedEntry]] = field(default_factory=list)  # (story, entry)
    counts: dict[str, int] = field(default_factory=dict)
    outlets: dict[str, str] = field(default_factory=dict)  # host → outlet name (feed title)
    waiting: list[Waiting] = field(
        default_factory=list
    )  # entries to fetch (crawler.stages.poll.fairness)

    @property
    def quiet(self) -> bool:
        """Only the feed's own state and one counter change (a 304 or the same body)."""
        parts = (self.events, self.seen, self.learn, self.skipped, self.outlets, self.waiting)
        busy = any(parts)
        return not busy and len(self.counts) == 1


async def save_poll(
    store: Store,
    url: str,
    state: FeedState,
    next_due: float | None,
    writes: PollWrites,
    before: FeedState | None = None,
    now: float | None = None,
) -> None:
    """One poll's every change, in one MULTI/EXEC (``next_due`` None: never again; ``now``:
    when its entries were taken, the order they wait in — default the system clock).

    A poll that changed nothing but the feed's own state (``before`` known: 304 or the same
    body) takes the lean path: one script with only the fields that changed.
    """
    if writes.quiet and before is not None and next_due is not None:
        (counter,) = writes.counts
        await store.schedule.save_quiet(url, before, state, next_due, counter)
        return
    async with store.transaction() as pipe:
        store.schedule.queue_feed_state(pipe, url, state, next_due)
        store.schedule.queue_feed_counts(pipe, url, writes.counts)
        if writes.outlets:
            pipe.hset(store.keys.outlets, mapping=writes.outlets)
        if writes.learn:
            store.terms.queue_learn(pipe, writes.learn)
        if writes.seen:
            pipe.hset(store.keys.entries, mapping=writes.seen)
        for story, entry in writes.skipped:
            store.discovery.queue_skip(pipe, story, entry)
        store.waiting.queue_wait(pipe, writes.waiting, time.time() if now is None else now)
        store.outbox.queue_add(pipe, writes.events)
        store.schedule.queue_counts(pipe, writes.counts)
        await pipe.execute()
