"""The scheduler stage: poll due feeds, turn new entries into article jobs, release revisits.

Per feed poll: conditional GET (ETag / Last-Modified; a 304 costs no parse) → skip parsing
when the body hash is unchanged (servers that ignore conditional GET) → parse → for each entry
not seen before (or whose ``updated`` stamp moved: the publisher signals a change) and each
story the feed serves, a pre-filter on title + summary, then one arq job with a deterministic
id. Everything a poll changes — feed state, next due time, entry stamps, term counts, feed
events and counters — is written in one MULTI/EXEC, so the schedule lives entirely in Redis
and a restart (or a crash mid-poll) loses nothing.

When to poll next is :mod:`crawler.core.cadence` (adaptive interval, jitter, server hints as
lower bounds, exponential backoff). After ``[scheduler] failing_after`` consecutive failures
``feed.failing`` is emitted with the last error, ``feed.recovered`` when a poll works again;
``410 Gone`` disables the feed (``feed.gone``; ``newswatch status`` shows it as ``gone``).
Feeds are claimed with a lease (:mod:`crawler.store.schedule`): two schedulers never poll one
feed at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from arq.connections import ArqRedis

from crawler.config import FeedConfig, Settings
from crawler.core import cadence, events
from crawler.core.feedparse import ParsedFeed, parse_feed
from crawler.core.relevance import passes_prefilter, strongest_terms, terms
from crawler.core.text import stable_hash
from crawler.core.urls import canonical_url
from crawler.errors import FeedError, FetchError, HostBusyError, HTTPStatusError
from crawler.fetch import Fetcher, FetchResult
from crawler.models import Event, FeedEntry, SeedProfile
from crawler.outage import Outage
from crawler.store import FeedState, Revisit, Store, doc_id

log = logging.getLogger(__name__)

CLAIM_BATCH = 100


@dataclass(frozen=True, slots=True)
class PollResult:
    url: str
    status: str  # "changed" | "not-modified" | "same-body" | "deferred" | "failed" | "gone"
    entries: int = 0
    queued: int = 0
    skipped: int = 0


@dataclass(slots=True)
class _Writes:
    """What one poll changes besides the feed state (written in the same transaction)."""

    events: list[Event] = field(default_factory=list)
    stamps: dict[str, str] = field(default_factory=dict)
    learn: list[set[str]] = field(default_factory=list)
    skipped: list[tuple[str, FeedEntry]] = field(default_factory=list)  # (story, entry)
    counts: dict[str, int] = field(default_factory=dict)


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

    def feed_config(self, url: str) -> FeedConfig | None:
        """The one lookup of a feed's configuration (extend the registry here)."""
        return self._feeds.get(url)

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

    async def poll_due(self, limit: int = CLAIM_BATCH) -> list[PollResult]:
        claimed = await self._store.schedule.claim_due_feeds(time.time(), self._lease, limit)
        return await self._poll(claimed)

    @property
    def _lease(self) -> float:
        return self._settings.scheduler.feed_lease

    async def _poll(self, urls: Sequence[str]) -> list[PollResult]:
        feeds = [f for u in urls if (f := self.feed_config(u)) is not None]
        if not feeds:
            return []
        states = await self._store.schedule.feed_states([f.url for f in feeds])
        gate = asyncio.Semaphore(self._settings.scheduler.concurrency)

        async def guarded(feed: FeedConfig) -> PollResult:
            async with gate:
                return await self.poll_feed(feed, states[feed.url])

        return list(await asyncio.gather(*(guarded(f) for f in feeds)))

    async def poll_feed(self, feed: FeedConfig, state: FeedState | None = None) -> PollResult:
        if state is None:
            state = await self._store.schedule.feed_state(feed.url)
        if state.status == "gone":
            await self._write(feed.url, state, None, _Writes())  # stays out of the due set
            return PollResult(feed.url, "gone")
        try:
            fetched = await self._fetcher.fetch(feed.url, "feed", state.etag, state.last_modified)
        except HostBusyError as exc:  # our own pacing of the host: not the feed's failure
            due = time.time() + cadence.jittered(exc.retry_after or feed.interval)
            await self._write(feed.url, state, due, _Writes(counts={"feeds_deferred": 1}), state)
            return PollResult(feed.url, "deferred")
        except FetchError as exc:
            return await self._failed(feed, state, exc)
        if fetched.not_modified:
            return await self._succeeded(feed, state, fetched, None, before=state)
        body_hash = hashlib.blake2b(fetched.body, digest_size=16).hexdigest()
        before = state
        state = replace(state, etag=fetched.etag, last_modified=fetched.last_modified)
        if body_hash == state.body_hash:
            return await self._succeeded(feed, state, fetched, None, "same-body", before)
        try:
            parsed = parse_feed(fetched.body, fetched.url, fetched.headers)
        except FeedError as exc:
            return await self._failed(feed, state, exc)
        state = replace(state, body_hash=body_hash, ttl=parsed.ttl_seconds or 0.0)
        return await self._succeeded(feed, state, fetched, parsed)

    async def _succeeded(
        self,
        feed: FeedConfig,
        state: FeedState,
        fetched: FetchResult,
        parsed: ParsedFeed | None,
        unchanged: str = "not-modified",
        before: FeedState | None = None,
    ) -> PollResult:
        bounds = feed.bounds
        previous = state.interval or cadence.clamp(feed.interval, bounds)
        if parsed is None:
            result, writes = PollResult(feed.url, unchanged), _Writes()
            interval = cadence.stretched(previous, bounds)
        else:
            result, writes = await self._take_entries(feed, list(parsed.entries))
            dates = (e.published or e.updated for e in parsed.entries)
            interval = cadence.adaptive_interval(dates, datetime.now(UTC), bounds, feed.interval)
        if state.status == "failing":
            log.info("feed %s recovered after %d failures", feed.url, state.failures)
            writes.events += self._feed_events("feed.recovered", feed, "", state.failing_since)
        now = _stamp()
        healthy = replace(
            state,
            failures=0,
            status="ok",
            last_error="",
            last_poll=now,
            last_ok=now,
            failing_since="",
            interval=interval,
        )
        hints = (cadence.cache_lifetime(fetched.headers), state.ttl or None)
        delay = cadence.next_delay(interval, hints, bounds)
        writes.counts["feeds_polled"] = 1
        await self._write(feed.url, healthy, time.time() + delay, writes, before)
        if result.queued:  # only polls that found work are worth a line
            log.info("feed %s: %d entries, %d queued", feed.url, result.entries, result.queued)
        return result

    async def _failed(self, feed: FeedConfig, state: FeedState, exc: Exception) -> PollResult:
        config = self._settings.scheduler
        failures = state.failures + 1
        gone = isinstance(exc, HTTPStatusError) and exc.status == 410
        since = state.failing_since or _stamp()
        status = "gone" if gone else ("failing" if failures >= config.failing_after else "ok")
        writes = _Writes(counts={"feeds_failed": 1})
        if gone:
            writes.events = self._feed_events("feed.gone", feed, str(exc), since)
        elif status == "failing" and state.status != "failing":
            writes.events = self._feed_events("feed.failing", feed, str(exc), since)
        log.warning("feed %s failed (%d in a row): %s", feed.url, failures, exc)
        failed = replace(
            state,
            failures=failures,
            status=status,
            last_error=str(exc),
            last_poll=_stamp(),
            failing_since=since,
        )
        retry_after = exc.retry_after if isinstance(exc, FetchError) else None
        delay = cadence.backoff(failures, config.backoff_base, config.backoff_max, retry_after)
        await self._write(feed.url, failed, None if gone else time.time() + delay, writes)
        return PollResult(feed.url, "gone" if gone else "failed")

    async def _take_entries(
        self, feed: FeedConfig, entries: list[FeedEntry]
    ) -> tuple[PollResult, _Writes]:
        keys = [_entry_key(e.link) for e in entries]
        stamps = await self._store.schedule.entry_stamps(keys)
        writes = _Writes()
        queued = skipped = 0
        for entry, key, old in zip(entries, keys, stamps, strict=True):
            stamp = _entry_stamp(entry)
            if old is not None and (old == stamp or not stamp):
                continue
            for story in feed.stories or tuple(self._profiles):
                if old is None and not self._prefilter(story, entry):
                    skipped += 1
                    writes.skipped.append((story, entry))  # kept for discovery's re-checks
                    continue
                queued += await self._enqueue_entry(story, entry, signal=old is not None)
            if old is None:
                writes.learn.append(set(terms(f"{entry.title} {entry.summary}")))
            writes.stamps[key] = stamp
        writes.counts.update(
            entries_new=len(writes.stamps), entries_queued=queued, entries_skipped=skipped
        )
        return PollResult(feed.url, "changed", len(entries), queued, skipped), writes

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

    def _feed_events(self, etype: str, feed: FeedConfig, error: str, episode: str) -> list[Event]:
        stories = feed.stories or tuple(self._profiles)
        return [events.feed_event(etype, s, feed.url, error, episode) for s in stories]

    async def _write(
        self,
        url: str,
        state: FeedState,
        next_due: float | None,
        writes: _Writes,
        before: FeedState | None = None,
    ) -> None:
        """One poll's every change, in one MULTI/EXEC (``next_due`` None: never again).

        A poll that changed nothing but the feed's own state (``before`` known: 304 or the
        same body) takes the lean path: one script with only the fields that changed.
        """
        quiet = not (writes.events or writes.stamps or writes.learn or writes.skipped)
        if quiet and before is not None and next_due is not None and len(writes.counts) == 1:
            (counter,) = writes.counts
            await self._store.schedule.save_quiet(url, before, state, next_due, counter)
            return
        async with self._store.transaction() as pipe:
            self._store.schedule.queue_feed_state(pipe, url, state, next_due)
            if writes.learn:
                self._store.terms.queue_learn(pipe, writes.learn)
            self._store.schedule.queue_entry_stamps(pipe, writes.stamps)
            for story, entry in writes.skipped:
                self._store.discovery.queue_skip(pipe, story, entry)
            self._store.outbox.queue_add(pipe, writes.events)
            self._store.schedule.queue_counts(pipe, writes.counts)
            await pipe.execute()

    async def run(self, stop: asyncio.Event) -> None:
        """Poll due feeds and release due revisits every ``tick`` until ``stop`` is set."""
        tick = self._settings.scheduler.tick
        outage = Outage(log, "scheduler tick")
        while not stop.is_set():
            wait = tick
            try:
                while len(await self.poll_due()) == CLAIM_BATCH and not stop.is_set():
                    pass  # a full batch: more feeds may be due right now
                await self.release_revisits()
                outage.ok()
            except Exception as exc:  # keep going through a Redis outage, logged once
                wait = max(tick, outage.failed(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=wait)


@functools.lru_cache(maxsize=131072)  # canonicalising is the costliest step of a changed poll
def _entry_key(link: str) -> str:
    """The key of an entry in the seen-entries hash: a hash of its canonical URL."""
    return stable_hash(canonical_url(link), size=8)


def _entry_stamp(entry: FeedEntry) -> str:
    when = entry.updated or entry.published
    return when.isoformat() if when else ""


def _stamp() -> str:
    return datetime.now(UTC).isoformat()
