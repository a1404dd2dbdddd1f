"""Fairness: how many article jobs one feed and one host may have in the queue at a time.

A feed entry to fetch (new to a story, or a publisher's signal) first goes to its feed's
waiting list in Redis (:mod:`crawler.store.waiting`, in the poll's transaction). The
:class:`Gate` then turns waiting entries into arq jobs, oldest first, as long as

* the feed has fewer than ``[scheduler] max_queued_per_feed`` jobs queued or running, and
* the entry's host has fewer than ``[scheduler] max_queued_per_host``.

The scheduler opens the gate for a feed right after its poll (an ordinary feed's new
entries are queued at once) and for every feed with waiting entries on each tick. So a feed
with 10,000 items, or one host behind many feeds, never has more than its cap in the queue:
another feed's new entry waits behind at most the caps of the feeds before it, never behind
the whole flood, and the flood's entries wait in Redis (none lost) for the next rounds.
Entries of one feed keep their order; one whose host is full waits while later entries of
other hosts go ahead (looking at most :data:`LOOKAHEAD` × the feed's room ahead).

A feed's released entries go in jobs of up to :data:`~crawler.store.queue.BATCH` entries
(:mod:`crawler.store.queue`): fewer queue round trips per article, and an entry still counts
against both caps until its own outcome is in.

Not gated: scheduled revisits and retry-later rounds (spread over time by their schedules).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from crawler.clock import Clock, SystemClock
from crawler.store import Store
from crawler.store.queue import BATCH, JobQueue
from crawler.store.waiting import Waiting

log = logging.getLogger(__name__)

LOOKAHEAD = 4


class Gate:
    def __init__(
        self,
        store: Store,
        queue: JobQueue,
        per_feed: int,
        per_host: int,
        clock: Clock | None = None,
    ) -> None:
        self._store = store
        self._queue = queue
        self._per_feed = per_feed
        self._per_host = per_host
        self._clock = clock or SystemClock()

    async def release(self, feeds: Sequence[str] | None = None) -> int:
        """Enqueue what the caps allow for ``feeds`` (default: every feed with waiting
        entries); returns how many jobs were enqueued."""
        room = self._store.waiting
        names = list(feeds) if feeds is not None else await room.feeds()
        released = 0
        host_room: dict[str, int] = {}
        for feed in names:
            released += await self._release_feed(feed, host_room)
        return released

    async def _release_feed(self, feed: str, host_room: dict[str, int]) -> int:
        room = self._store.waiting
        feed_key = room.feed_key(feed)
        space = self._per_feed - (await room.outstanding([feed_key]))[feed_key]
        if space <= 0:
            return 0
        candidates = await room.oldest(feed, space * LOOKAHEAD)
        unknown = {c.host for c in candidates} - host_room.keys()
        if unknown:
            counts = await room.outstanding(room.host_key(h) for h in unknown)
            host_room.update({h: self._per_host - counts[room.host_key(h)] for h in unknown})
        chosen: list[Waiting] = []
        for entry in candidates:
            if len(chosen) == space:
                break
            if host_room[entry.host] > 0:
                host_room[entry.host] -= 1
                chosen.append(entry)
        held_by: list[str] = []
        for start in range(0, len(chosen), BATCH):  # several entries per job (store.queue)
            held_by += await self._queue.enqueue_entries(chosen[start : start + BATCH])
        await room.released(feed, chosen, self._clock.now(), held_by)
        if chosen and len(candidates) > len(chosen):
            log.debug("feed %s: %d jobs queued, more waiting", feed, len(chosen))
        return len(chosen)
