"""The scheduler stage: poll due feeds, turn new entries into article jobs, release revisits.

Per feed poll: conditional GET (ETag / Last-Modified) → skip parsing when the body hash is
unchanged → parse → for each entry not seen before (or whose ``updated`` stamp moved: the
publisher signals a change) and for each story the feed serves, a pre-filter on title +
summary, then one arq job with a deterministic id. Failures back off exponentially; after
``failing_after`` consecutive failures ``feed.failing`` is emitted, ``feed.recovered`` when it
works again, and ``410 Gone`` disables the feed (``feed.gone``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from arq.connections import ArqRedis

from crawler.config import FeedConfig, Settings
from crawler.core import events
from crawler.core.feedparse import parse_feed
from crawler.core.relevance import passes_prefilter, strongest_terms, terms
from crawler.core.text import stable_hash
from crawler.core.urls import canonical_url
from crawler.errors import FeedError, FetchError, HTTPStatusError
from crawler.fetch import Fetcher
from crawler.models import Event, FeedEntry, SeedProfile
from crawler.store import FeedState, Revisit, Store, doc_id

log = logging.getLogger(__name__)

FAILING_AFTER = 3
BACKOFF_BASE = 60.0
BACKOFF_MAX = 6 * 3600.0
POLL_CONCURRENCY = 32


@dataclass(frozen=True, slots=True)
class PollResult:
    url: str
    status: str  # "changed" | "not-modified" | "same-body" | "failed" | "gone"
    entries: int = 0
    queued: int = 0
    skipped: int = 0


class Scheduler:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        fetcher: Fetcher,
        queue: ArqRedis,
        profiles: dict[str, SeedProfile],
    ) -> None:
        self._settings = settings
        self._store = store
        self._fetcher = fetcher
        self._queue = queue
        self._profiles = profiles
        self._feeds = {f.url: f for f in settings.feed}
        self._key_terms = {s: strongest_terms(p.terms) for s, p in profiles.items()}

    async def register(self) -> None:
        await self._store.schedule.register_feeds(self._feeds, time.time())

    async def set_extra_feeds(self, feeds: list[FeedConfig]) -> None:
        """Feeds added at run time (discovery's news searches), replacing earlier extras."""
        self._feeds = {f.url: f for f in (*self._settings.feed, *feeds)}
        await self.register()

    async def poll_all(self) -> list[PollResult]:
        """Poll every configured feed now, whatever its schedule (``run --once``)."""
        claimed = await self._store.schedule.claim_all_feeds(time.time(), self._lease)
        return await self._poll(claimed)

    async def poll_due(self) -> list[PollResult]:
        claimed = await self._store.schedule.claim_due_feeds(time.time(), self._lease)
        return await self._poll(claimed)

    @property
    def _lease(self) -> float:
        return self._settings.scheduler.feed_lease

    async def _poll(self, urls: list[str]) -> list[PollResult]:
        gate = asyncio.Semaphore(POLL_CONCURRENCY)

        async def guarded(feed: FeedConfig) -> PollResult:
            async with gate:
                return await self.poll_feed(feed)

        feeds = [self._feeds[u] for u in urls if u in self._feeds]
        return list(await asyncio.gather(*(guarded(f) for f in feeds)))

    async def poll_feed(self, feed: FeedConfig) -> PollResult:
        state = await self._store.schedule.feed_state(feed.url)
        if state.status == "gone":
            await self._save(feed, state, None)
            return PollResult(feed.url, "gone")
        try:
            fetched = await self._fetcher.fetch(feed.url, "feed", state.etag, state.last_modified)
        except FetchError as exc:
            return await self._failed(feed, state, exc)
        now = _stamp()
        if fetched.not_modified:
            return await self._succeeded(feed, state, now, PollResult(feed.url, "not-modified"))
        body_hash = stable_hash(fetched.body.decode("latin-1"), size=16)
        validators = replace(state, etag=fetched.etag, last_modified=fetched.last_modified)
        if body_hash == state.body_hash:
            return await self._succeeded(feed, validators, now, PollResult(feed.url, "same-body"))
        try:
            parsed = parse_feed(fetched.body, fetched.url, fetched.headers)
        except FeedError as exc:
            return await self._failed(feed, state, exc)
        result = await self._take_entries(feed, list(parsed.entries))
        return await self._succeeded(feed, replace(validators, body_hash=body_hash), now, result)

    async def _take_entries(self, feed: FeedConfig, entries: list[FeedEntry]) -> PollResult:
        keys = [stable_hash(canonical_url(e.link), size=8) for e in entries]
        stamps = await self._store.schedule.entry_stamps(keys)
        fresh: dict[str, str] = {}
        passed_over: list[tuple[str, FeedEntry]] = []  # skipped, but kept for re-checks
        queued = skipped = 0
        for entry, key, old in zip(entries, keys, stamps, strict=True):
            stamp = _entry_stamp(entry)
            if old is not None and (old == stamp or not stamp):
                continue
            for story in feed.stories or tuple(self._profiles):
                if old is None and not self._prefilter(story, entry):
                    skipped += 1
                    passed_over.append((story, entry))
                    continue
                queued += await self._enqueue_entry(story, entry, signal=old is not None)
            fresh[key] = stamp
        async with self._store.transaction() as pipe:
            self._store.terms.queue_learn(
                pipe,
                [
                    set(terms(f"{e.title} {e.summary}"))
                    for e, s in zip(entries, stamps, strict=True)
                    if s is None
                ],
            )
            self._store.schedule.queue_entry_stamps(pipe, fresh)
            for story, entry in passed_over:
                self._store.discovery.queue_skip(pipe, story, entry)
            await pipe.execute()
        await self._store.count(
            entries_new=len(fresh), entries_queued=queued, entries_skipped=skipped
        )
        return PollResult(feed.url, "changed", len(entries), queued, skipped)

    def _prefilter(self, story: str, entry: FeedEntry) -> bool:
        if not self._settings.crawler.prefilter:
            return True
        text = f"{entry.title} {entry.summary}"
        return passes_prefilter(text, self._key_terms[story], self._profiles[story].entities)

    async def _enqueue_entry(self, story: str, entry: FeedEntry, signal: bool) -> int:
        doc = doc_id(canonical_url(entry.link))
        if signal:
            job_id = self._store.keys.job("sig", story, doc, stable_hash(_entry_stamp(entry), 6))
        else:
            job_id = self._store.keys.job("new", story, doc)
        job = await self._queue.enqueue_job(
            "process_article",
            story,
            entry.link,
            -1,
            "signal" if signal else "new",
            _job_id=job_id,
            _queue_name=self._store.keys.queue,
        )
        return 1 if job is not None else 0

    async def release_revisits(self, now: float | None = None) -> int:
        """Enqueue every revisit due by ``now``; returns how many were released."""
        due = await self._store.schedule.due_revisits(time.time() if now is None else now)
        for revisit in due:
            await self._queue.enqueue_job(
                "process_article",
                revisit.story,
                revisit.url,
                revisit.number,
                "revisit",
                _job_id=self._revisit_job_id(revisit),
                _queue_name=self._store.keys.queue,
            )
        await self._store.schedule.done_revisits(due)
        return len(due)

    def _revisit_job_id(self, revisit: Revisit) -> str:
        doc = doc_id(canonical_url(revisit.url))
        return self._store.keys.job("rv", revisit.story, doc, str(revisit.number))

    async def _succeeded(
        self, feed: FeedConfig, state: FeedState, now: str, result: PollResult
    ) -> PollResult:
        emitted: list[Event] = []
        if state.status == "failing":
            emitted = self._feed_events("feed.recovered", feed, "", state.last_error)
        healthy = replace(
            state, failures=0, status="ok", last_error="", last_poll=now, interval=feed.interval
        )
        await self._save(feed, healthy, time.time() + _jitter(feed.interval), emitted)
        await self._store.count(feeds_polled=1)
        return result

    async def _failed(self, feed: FeedConfig, state: FeedState, exc: Exception) -> PollResult:
        failures = state.failures + 1
        gone = isinstance(exc, HTTPStatusError) and exc.status == 410
        status = "gone" if gone else ("failing" if failures >= FAILING_AFTER else state.status)
        emitted: list[Event] = []
        if gone:
            emitted = self._feed_events("feed.gone", feed, str(exc), "gone")
        elif status == "failing" and state.status != "failing":
            emitted = self._feed_events("feed.failing", feed, str(exc), state.last_poll)
        log.warning("feed %s failed (%d in a row): %s", feed.url, failures, exc)
        failed = replace(
            state, failures=failures, status=status, last_error=str(exc), last_poll=_stamp()
        )
        await self._save(feed, failed, None if gone else time.time() + _backoff(failures, exc))
        if emitted:
            await self._store.outbox.add(emitted)
        await self._store.count(feeds_failed=1)
        return PollResult(feed.url, "gone" if gone else "failed")

    def _feed_events(self, etype: str, feed: FeedConfig, error: str, episode: str) -> list[Event]:
        stories = feed.stories or tuple(self._profiles)
        return [events.feed_event(etype, s, feed.url, error, episode) for s in stories]

    async def _save(
        self,
        feed: FeedConfig,
        state: FeedState,
        next_due: float | None,
        emitted: list[Event] | None = None,
    ) -> None:
        async with self._store.transaction() as pipe:
            self._store.schedule.queue_feed_state(pipe, feed.url, state, next_due)
            self._store.outbox.queue_add(pipe, emitted or [])
            await pipe.execute()

    async def run(self, stop: asyncio.Event) -> None:
        """Poll due feeds and release due revisits every ``tick`` until ``stop`` is set."""
        tick = self._settings.scheduler.tick
        while not stop.is_set():
            try:
                await self.poll_due()
                await self.release_revisits()
            except Exception:  # keep polling through a Redis outage; log each failure
                log.exception("scheduler tick failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=tick)


def _entry_stamp(entry: FeedEntry) -> str:
    when = entry.updated or entry.published
    return when.isoformat() if when else ""


def _stamp() -> str:
    return datetime.now(UTC).isoformat()


def _jitter(interval: float) -> float:
    return interval * random.uniform(0.9, 1.1)


def _backoff(failures: int, exc: Exception) -> float:
    delay: float = min(BACKOFF_MAX, BACKOFF_BASE * 2.0 ** (failures - 1))
    delay *= random.uniform(0.8, 1.2)
    if isinstance(exc, HTTPStatusError) and exc.retry_after:
        delay = max(delay, exc.retry_after)
    return delay
