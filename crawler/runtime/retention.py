"""Bounded growth: the retention sweep (``[retention]``), run by the scheduler role.

What grows with every feed entry and article, and how it is bounded:

* **tracked articles** — untouched for ``articles`` (90 d) after their last revisit (the
  later of: first seen + the story's last revisit offset, the newest version's fetch time,
  the publisher's last modification stamp; and no revisit pending) they are archived to a
  compact form (:mod:`crawler.store.archive`: last version, history of versions with their
  facts) and leave the copy index; an archive is dropped after ``archive`` (365 d; ``0s``:
  dropped at once);
* **feed entries seen, unrelated verdicts, link aliases** — generations of ``entries``
  (30 d, :mod:`crawler.store.generations`): forgotten 30–60 days after they were last seen;
  an entry still in its feed is carried over each time the feed is parsed. A forgotten
  unrelated link that shows up again is fetched and judged again (no alert unless it has
  become related);
* **event ids** — generations of ``events`` (30 d): an id is remembered 30–60 days;
* **the events outbox** — delivered events (read and acknowledged by every hook's group)
  older than ``events`` are trimmed; undelivered ones stay;
* arq keeps no job results (``keep_result=0``); the skipped-entries stream, retry-later set
  and dead letters are capped where they are written; the fact timeline is capped per key
  by :mod:`crawler.store.timeline`.

Time is a parameter (``now``, else the injected clock), never Redis's clock: ``bench/soak.py``
moves it to simulate months in minutes. A sweep handles at most ``MAX_PER_SWEEP`` articles per
story; the next sweep goes on.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from crawler.clock import Clock, SystemClock
from crawler.config import Settings, StoryConfig
from crawler.core.dedup import fingerprint
from crawler.models import Version
from crawler.outage import Outage
from crawler.store import Revisit, Store, TrackedArticle, WriteSet
from crawler.store.writes import Archive, DropArchive, IndexForget

log = logging.getLogger(__name__)

MAX_PER_SWEEP = 5_000
PAGE = 500


@dataclass(frozen=True, slots=True)
class Swept:
    archived: int = 0
    dropped: int = 0
    rotated: int = 0
    events_trimmed: int = 0


class Retention:
    def __init__(self, settings: Settings, store: Store, clock: Clock | None = None) -> None:
        self._settings = settings
        self._policy = settings.retention
        self._store = store
        self._clock = clock or SystemClock()

    async def sweep(self, now: float | None = None) -> Swept:
        """Apply the policy as of ``now`` (epoch seconds; default: the clock)."""
        now = self._clock.now() if now is None else now
        keys, generations = self._store.keys, self._store.generations
        families = [keys.entries]
        for story in self._settings.story:
            families += [keys.unrelated(story.id), keys.alias(story.id)]
        rotated = await generations.rotate_due(families, now, self._policy.entries)
        rotated += await generations.rotate_due([keys.event_ids], now, self._policy.events)
        archived = dropped = 0
        for story in self._settings.story:
            archived += await self._archive(story, now)
            dropped += await self._drop_archives(story.id, now)
        trimmed = await self._store.outbox.trim_delivered(int((now - self._policy.events) * 1000))
        swept = Swept(archived, dropped, len(rotated), trimmed)
        if archived or dropped or rotated:
            log.info("retention: %s", swept)
        return swept

    async def _archive(self, story: StoryConfig, now: float) -> int:
        cutoff = now - self._policy.articles
        archived = offset = 0
        while offset < MAX_PER_SWEEP:
            raw = await self._store.articles.tracked_before(story.id, cutoff, offset, PAGE)
            done = 0
            for doc in raw:
                done += await self._archive_one(story, doc, cutoff, now)
            archived += done
            if len(raw) < PAGE:
                break
            offset += len(raw) - done  # the archived ones left the set
        return archived

    async def _archive_one(self, story: StoryConfig, doc: str, cutoff: float, now: float) -> int:
        articles = self._store.articles
        article = await articles.get(story.id, doc)
        versions = await articles.versions(story.id, doc)
        if article is None or not versions or await self._pending(article):
            return 0
        stamp = (await articles.publisher_stamps(story.id, doc))[0]
        if _last_touched(article, versions, story.revisit, stamp, now) > cutoff:
            return 0
        first = min(versions, key=lambda v: v.number)
        fp = await asyncio.to_thread(fingerprint, first.text or first.title)
        archived = Archive(article, tuple(versions), now)
        await self._store.commit(WriteSet().add(archived, IndexForget(story.id, doc, fp)))
        return 1

    async def _pending(self, article: TrackedArticle) -> bool:
        number = await self._store.articles.pending_revisit(article.story, article.doc)
        return await self._store.schedule.revisit_pending(
            Revisit(article.story, article.url, number)
        )

    async def _drop_archives(self, story: str, now: float) -> int:
        docs = await self._store.archive.expired(story, now - self._policy.archive, PAGE)
        await self._store.commit(WriteSet().add(*(DropArchive(story, doc) for doc in docs)))
        return len(docs)

    async def run(self, stop: asyncio.Event) -> None:
        """Sweep every ``[retention] sweep`` until ``stop`` is set (first sweep at once)."""
        outage = Outage(log, "retention sweep")
        while not stop.is_set():
            wait = self._policy.sweep
            try:
                await self.sweep()
                outage.ok()
            except Exception as exc:
                wait = min(wait, outage.failed(exc))
            await self._clock.sleep(wait, stop)


def _last_touched(
    article: TrackedArticle,
    versions: list[Version],
    offsets: tuple[float, ...],
    stamp: str,
    now: float,
) -> float:
    """When the article was last revisited or changed, as far as the store knows (a
    publisher's stamp in the future counts as now, so it cannot keep an article for ever)."""
    times = [_epoch(article.first_seen) + (offsets[-1] if offsets else 0.0)]
    times += [v.fetched_at.timestamp() for v in versions]
    if stamp:
        times.append(min(_epoch(stamp), now))
    return max(times)


def _epoch(iso: str) -> float:
    try:
        return datetime.fromisoformat(iso).timestamp()
    except ValueError:
        return 0.0
