"""The scheduler stage: poll due feeds, turn new entries into article jobs, release revisits.

Per feed poll: conditional GET (ETag / Last-Modified; a 304 costs no parse) → skip parsing
when the body hash is unchanged (servers that ignore conditional GET) → parse → the entries
new to a story (pre-filtered) or whose ``updated`` stamp moved become arq jobs
(:mod:`crawler.stages.poll.intake`), queued as far as the fairness caps allow
(:mod:`crawler.stages.poll.fairness`; the rest wait in Redis and are released on later
ticks). Everything a poll changes — feed state, next due time, seen entries, waiting
entries, term counts, feed events and counters — is written in one MULTI/EXEC
(:func:`crawler.store.polls.save_poll`), so the schedule lives entirely in Redis and a restart
(or a crash mid-poll) loses nothing.

When to poll next is :mod:`crawler.core.cadence`; what a failure or a recovery does to a feed
(``feed.failing``, ``feed.recovered``, ``feed.gone``) is :mod:`crawler.stages.poll.health`. An
unexpected error in one feed's poll is logged with its traceback and is that feed's failure;
the batch's other feeds are polled.

Feeds are claimed with a lease (:mod:`crawler.store.schedule`): two schedulers never poll one
feed at once. Which feeds exist is the scheduler's decision alone (:meth:`Scheduler.refresh`,
at its first poll and every ``[discovery] refresh``): worker processes never register or
forget feeds. A claimed feed this process has no configuration for — a news search another
scheduler registered — is read from discovery's registry in Redis and polled.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from redis.exceptions import RedisError

from crawler.clock import Clock, SystemClock, utc
from crawler.config import FeedConfig, Settings
from crawler.core import cadence, events
from crawler.core.feedparse import ParsedFeed, parse_feed
from crawler.core.outlets import outlet_names
from crawler.core.relevance import seed_key_terms
from crawler.errors import FeedError, FetchError, HostBusyError, StoreError
from crawler.fetch import Fetcher, FetchResult
from crawler.models import ArticleJob, Event, JobReason, SeedProfile
from crawler.outage import Outage
from crawler.stages.article.revisits import release_retries
from crawler.stages.poll.fairness import Gate
from crawler.stages.poll.feedlog import brief, report_offline
from crawler.stages.poll.health import failed, healthy
from crawler.stages.poll.intake import Intake
from crawler.stages.poll.searches import Discovery
from crawler.store import FeedState, Store
from crawler.store.polls import PollWrites, save_poll
from crawler.store.queue import JobQueue

log = logging.getLogger(__name__)

CLAIM_BATCH = 100


@dataclass(frozen=True, slots=True)
class PollResult:
    url: str
    status: str  # "changed" | "not-modified" | "same-body" | "deferred" | "failed" | "gone"
    entries: int = 0
    queued: int = 0
    skipped: int = 0
    error: str = ""  # the failure, without the URL (for logs)
    offline: bool = False  # failed to resolve or connect (the network may be down)


class Scheduler:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        fetcher: Fetcher,
        queue: JobQueue,
        profiles: dict[str, SeedProfile],
        discovery: Discovery | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._clock = clock = clock or SystemClock()
        self._settings = settings
        self._store = store
        self._fetcher = fetcher
        self._queue = queue
        self._profiles = profiles
        self._discovery = discovery
        self._configured = {f.url: f for f in settings.feed}
        self._found: dict[str, FeedConfig] = {}  # discovery feeds (ours or another's)
        self._key_terms = {s: seed_key_terms(p.terms, p.entities) for s, p in profiles.items()}
        self._intake = Intake(
            store,
            self._key_terms,
            settings.crawler.prefilter,
            signal_every=settings.scheduler.signal_interval,
            clock=clock,
        )
        self._refreshed = False
        config = settings.scheduler
        caps = config.max_queued_per_feed, config.max_queued_per_host
        self._gate = Gate(store, queue, *caps, clock=clock)

    def feed_config(self, url: str) -> FeedConfig | None:
        return self._configured.get(url) or self._found.get(url)

    async def refresh(self) -> None:
        """Rebuild discovery's searches and the pre-filter's key terms, then register exactly
        the configured and discovery feeds (new ones due now; others and their state forgotten).
        """
        if self._discovery is not None:
            done = await self._discovery.refresh()
            self._found = {f.url: f for f in done.feeds}
            self._key_terms.update(done.key_terms)
        wanted = {**self._configured, **self._found}
        await self._store.schedule.register_feeds(wanted, self._clock.now())
        intervals = {url: feed.interval for url, feed in wanted.items()}
        for url in await self._store.schedule.apply_intervals(intervals, self._clock.now()):
            log.info("feed %s: configured interval changed; schedule updated", url)
        self._refreshed = True

    async def poll_all(self) -> list[PollResult]:
        """Poll every registered feed now, whatever its schedule (``run --once``)."""
        if not self._refreshed:
            await self.refresh()
        claimed = await self._store.schedule.claim_all_feeds(self._clock.now(), self._lease)
        return await self._poll(claimed)

    async def poll_due(self, limit: int = CLAIM_BATCH) -> list[PollResult]:
        if not self._refreshed:
            await self.refresh()
        claimed = await self._store.schedule.claim_due_feeds(self._clock.now(), self._lease, limit)
        return await self._poll(claimed)

    @property
    def _lease(self) -> float:
        return self._settings.scheduler.feed_lease

    async def _poll(self, urls: Sequence[str]) -> list[PollResult]:
        if any(self.feed_config(u) is None for u in urls) and self._discovery is not None:
            self._found.update(await self._discovery.registered())
        feeds = [f for u in urls if (f := self.feed_config(u)) is not None]
        for url in (u for u in urls if self.feed_config(u) is None):
            log.debug("claimed %s, which no configuration or registry names: skipped", url)
        if not feeds:
            return []
        states = await self._store.schedule.feed_states([f.url for f in feeds])
        gate = asyncio.Semaphore(self._settings.scheduler.concurrency)

        async def guarded(feed: FeedConfig) -> PollResult:
            async with gate:
                try:
                    return await self.poll_feed(feed, states[feed.url])
                except (RedisError, StoreError):
                    raise  # the store is down, not the feed: the tick reports the outage
                except Exception as exc:
                    log.exception("feed %s: unexpected error while polling", feed.url)
                    return await self._failed(feed, states[feed.url], exc)

        results = await asyncio.gather(*(guarded(f) for f in feeds), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        done = [r for r in results if isinstance(r, PollResult)]
        report_offline(log, [(r.url, r.error) for r in done if r.offline], len(done))
        return done

    async def poll_feed(self, feed: FeedConfig, state: FeedState | None = None) -> PollResult:
        if state is None:
            state = await self._store.schedule.feed_state(feed.url)
        if state.status == "gone":
            await save_poll(self._store, feed.url, state, None, PollWrites())  # stays not due
            return PollResult(feed.url, "gone")
        try:
            fetched = await self._fetcher.fetch(feed.url, "feed", state.etag, state.last_modified)
        except HostBusyError as exc:  # our own pacing of the host: not the feed's failure
            due = self._clock.now() + cadence.jittered(exc.retry_after or feed.interval)
            deferred = PollWrites(counts={"feeds_deferred": 1})
            await save_poll(self._store, feed.url, state, due, deferred, state)
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
        if parsed.rejected:
            log.debug("feed %s: links dropped (not followable): %s", feed.url, parsed.rejected)
        state = replace(
            state, body_hash=body_hash, ttl=parsed.ttl_seconds or 0.0, title=parsed.title
        )
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
            result, writes = PollResult(feed.url, unchanged), PollWrites()
            interval = cadence.stretched(previous, bounds)
        else:
            writes = PollWrites()
            if feed.url in self._configured:  # a publisher's feed names its outlet
                writes.outlets = outlet_names(parsed.title, (e.link for e in parsed.entries))
            stories = feed.stories or tuple(self._profiles)
            taken = await self._intake.take(stories, parsed.entries, writes)
            result = PollResult(
                feed.url, "changed", len(parsed.entries), taken.queued, taken.skipped
            )
            dates = (e.published or e.updated for e in parsed.entries)
            interval = cadence.adaptive_interval(dates, utc(self._clock), bounds, feed.interval)
        if state.status == "failing":
            log.info("feed %s recovered after %d failures", feed.url, state.failures)
            writes.events += self._feed_events("feed.recovered", feed, "", state.failing_since)
        after = healthy(state, interval, self._stamp())
        if "signals_held" in writes.counts:  # held signals need the next poll to parse again
            after = replace(after, etag="", last_modified="", body_hash="")
        hints = (cadence.cache_lifetime(fetched.headers), state.ttl or None)
        delay = cadence.next_delay(interval, hints, bounds)
        writes.counts["feeds_polled"] = 1
        now = self._clock.now()
        await save_poll(self._store, feed.url, after, now + delay, writes, before, now)
        if writes.waiting:  # the poll's entries get their jobs now, as far as the caps allow
            await self._gate.release([feed.url])
        if result.queued:  # only polls that found work are worth a line
            log.info("feed %s: %d entries, %d queued", feed.url, result.entries, result.queued)
        return result

    async def _failed(self, feed: FeedConfig, state: FeedState, exc: Exception) -> PollResult:
        failure = failed(state, exc, self._settings.scheduler, self._stamp())
        since, writes = failure.state.failing_since, PollWrites(counts={"feeds_failed": 1})
        if failure.gone:
            writes.events = self._feed_events("feed.gone", feed, failure.error, since)
        elif failure.newly_failing:
            writes.events = self._feed_events("feed.failing", feed, failure.error, since)
        if not failure.offline:  # connect failures are reported per batch (report_offline)
            failures = failure.state.failures
            log.warning("feed %s failed (%d in a row): %s", feed.url, failures, brief(exc))
        due = None if failure.gone else self._clock.now() + failure.delay
        await save_poll(self._store, feed.url, failure.state, due, writes)
        outcome = "gone" if failure.gone else "failed"
        return PollResult(feed.url, outcome, error=brief(exc), offline=failure.offline)

    async def release_revisits(self, now: float | None = None) -> int:
        """Enqueue every revisit due by ``now``; returns how many were released."""
        now = self._clock.now() if now is None else now
        due = await self._store.schedule.due_revisits(now)
        for revisit in due:
            job = ArticleJob(revisit.story, revisit.url, JobReason.REVISIT, revisit.number)
            await self._queue.enqueue(job)
        await self._store.schedule.done_revisits(due)
        return len(due) + await release_retries(self._store, self._queue, self._profiles, now)

    async def release_waiting(self) -> int:
        """Enqueue the waiting feed entries the fairness caps allow (:mod:`.fairness`)."""
        return await self._gate.release()

    def _stamp(self) -> str:
        return utc(self._clock).isoformat()

    def _feed_events(self, etype: str, feed: FeedConfig, error: str, episode: str) -> list[Event]:
        stories = feed.stories or tuple(self._profiles)
        return [events.feed_event(etype, s, feed.url, error, episode) for s in stories]

    async def run(self, stop: asyncio.Event) -> None:
        """Poll due feeds and release due revisits every ``tick`` until ``stop`` is set; one
        failing (e.g. Redis away) never keeps the other from running."""
        tick = self._settings.scheduler.tick
        polls, revisits = Outage(log, "scheduler tick"), Outage(log, "revisit release")
        waiting = Outage(log, "waiting entries release")
        while not stop.is_set():
            wait = tick
            try:
                while len(await self.poll_due()) == CLAIM_BATCH and not stop.is_set():
                    pass  # a full batch: more feeds may be due right now
                polls.ok()
            except Exception as exc:  # keep going through a Redis outage, logged once
                wait = max(wait, polls.failed(exc))
            try:
                await self.release_revisits()
                revisits.ok()
            except Exception as exc:
                wait = max(wait, revisits.failed(exc))
            try:
                await self.release_waiting()
                waiting.ok()
            except Exception as exc:
                wait = max(wait, waiting.failed(exc))
            await self._clock.sleep(wait, stop)
