"""arq job functions. The untyped ``ctx`` carries one typed :class:`Runtime` (``ctx["runtime"]``).

A job's arguments are one :meth:`ArticleJob.to_json` mapping
(:class:`crawler.store.queue.JobQueue` queues every job); jobs queued by earlier versions in
the positional form ``(story, url, revisit, reason, retry)`` — ``revisit`` -1 for "none" — are
still taken (:func:`job_of`), so an upgrade never strands the queue. A batch job carries
several feed entries of one feed (:func:`batch_of`, :mod:`crawler.store.queue`): they run one
after another, each with its own outcome, retries and ``job_timeout``.

Failure policy: a retryable fetch error or a Redis outage raises ``Retry`` with a growing
delay (up to ``[worker] max_tries`` attempts); a permanent one (404, refused address, not an
article) is logged and counted, and the job ends — it is not retried forever. A first visit
whose last attempt still failed retryably is kept for later rounds hours apart (the story's
retry-later set, see :mod:`crawler.stages.article.revisits`), so a site that is down for a
while loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any

from arq import Retry
from redis.exceptions import RedisError

from crawler.errors import ExtractError, FetchError, StoreError
from crawler.models import ArticleJob
from crawler.runtime import Runtime
from crawler.stages.article.pipeline import JobTiming
from crawler.store.queue import batch_id
from crawler.store.readouts import job_counter
from crawler.store.waiting import Waiting, holders

log = logging.getLogger(__name__)


async def process_article(ctx: dict[str, Any], *args: Any) -> str:
    runtime: Runtime = ctx["runtime"]
    batch = batch_of(args)
    if batch is not None:
        return await _batch(runtime, batch, ctx)
    return await _attempt(runtime, job_of(args), ctx)


def job_of(args: tuple[Any, ...]) -> ArticleJob:
    """The job in an arq job's arguments: one mapping, or the old positional form."""
    if len(args) == 1 and isinstance(args[0], dict):
        return ArticleJob.from_json(args[0])
    return ArticleJob.from_args(*args)


def batch_of(args: tuple[Any, ...]) -> list[Waiting] | None:
    """The feed entries of a batch job (:mod:`crawler.store.queue`), or None."""
    if len(args) == 1 and isinstance(args[0], dict) and "batch" in args[0]:
        return [Waiting.from_fields(fields) for fields in args[0]["batch"]]
    return None


@dataclass
class Tally:
    """``ctx["tally"]``: the jobs (a batch's entries each) that ended — an outcome, or a
    failure for good — in this worker (``run --once`` reports it)."""

    ended: int = 0


async def _attempt(runtime: Runtime, job: ArticleJob, ctx: dict[str, Any]) -> str:
    """One attempt at one job, within ``[worker] job_timeout``; its duration goes to the
    /metrics job latency histogram, with its outcome counted in the same round trip — the
    first visit's commit itself when it made one (its duration then ends at the commit)."""
    timing = JobTiming(time.perf_counter())
    try:
        async with asyncio.timeout(runtime.settings.worker.job_timeout):
            outcome = await _process(runtime, job, ctx, timing)
    except BaseException as exc:
        if not isinstance(exc, Retry | asyncio.CancelledError):  # else it runs again
            _ended(ctx)
        if not timing.recorded:
            with contextlib.suppress(RedisError):
                await runtime.store.readouts.record_job(timing.elapsed())
        raise
    _ended(ctx)
    if not timing.recorded:  # a first visit's commit carried it
        with contextlib.suppress(RedisError):  # the work is committed; only the figure is lost
            await runtime.store.readouts.record_job(timing.elapsed(), job_counter(outcome))
    return outcome


def _ended(ctx: dict[str, Any]) -> None:
    if "tally" in ctx:
        ctx["tally"].ended += 1


async def _batch(runtime: Runtime, entries: list[Waiting], ctx: dict[str, Any]) -> str:
    """A batch's entries one after another, each with its own outcome. One to try again later,
    and those left when the batch has used a ``job_timeout`` (it may run two: the last entry
    started gets a whole one), go back to the queue as their own jobs, keeping their room."""
    tries = int(ctx.get("job_try", 1))
    last_start = time.monotonic() + runtime.settings.worker.job_timeout
    outcomes: list[str] = []
    for i, entry in enumerate(entries):
        if time.monotonic() > last_start:
            await _hand_back(runtime, entries[i:], ctx, 0.0, None)
            outcomes.append(f"{len(entries) - i}-handed-back")
            break
        try:
            outcomes.append(await _attempt(runtime, entry.job, ctx))
        except Retry as retry:  # this entry only: its own job, when the retry is due
            await _hand_back(runtime, [entry], ctx, (retry.defer_score or 0) / 1000, tries + 1)
            outcomes.append("retrying")
        except TimeoutError:
            log.warning("%s: no outcome within [worker] job_timeout; given up", entry.link)
            outcomes.append("timed-out")
        except Exception:  # as a job of its own would: this entry fails, the others go on
            log.exception("%s: failed", entry.link)
            outcomes.append("failed")
    await _free_rooms(runtime, entries)
    return " ".join(outcomes)


async def _free_rooms(runtime: Runtime, entries: list[Waiting]) -> None:
    """The batch ended: its entries' rooms are free (those handed back hold their own)."""
    names = holders(batch_id(runtime.store.keys, entries), len(entries))
    try:
        await runtime.store.waiting.finished(names, entries)
    except (StoreError, RedisError) as exc:  # the next count prunes them instead
        log.info("store unavailable while freeing a batch's rooms (%s)", exc)


async def _hand_back(
    runtime: Runtime, entries: list[Waiting], ctx: dict[str, Any], defer: float, tries: int | None
) -> None:
    """Queue batch entries again as their own jobs; if the store is away, the whole batch is
    retried instead (its finished entries find their work done)."""
    try:
        await runtime.store.waiting.hold(entries, runtime.clock.now())
        for entry in entries:
            await runtime.queue.enqueue_waiting(entry, defer_by=defer, job_try=tries)
    except (StoreError, RedisError) as exc:
        log.warning("store unavailable while handing back %d entries (%s)", len(entries), exc)
        raise Retry(defer=_delay(ctx, int(ctx.get("job_try", 1)), exc)) from exc


async def _process(
    runtime: Runtime, job: ArticleJob, ctx: dict[str, Any], timing: JobTiming
) -> str:
    tries = int(ctx.get("job_try", 1))
    try:
        outcome = await runtime.pipeline.process(job, timing)
    except FetchError as exc:
        if exc.retryable and tries < runtime.settings.worker.max_tries:
            raise Retry(defer=_delay(ctx, tries, exc)) from exc
        outcome = await _gave_up(runtime, job, exc, tries)
    except ExtractError as exc:
        log.info("not an article: %s", exc)
        outcome = "not-an-article"
    except (StoreError, RedisError) as exc:
        log.warning("store unavailable while processing %s (%s); will retry", job.url, exc)
        with contextlib.suppress(RedisError):  # counted when the store answers again
            await runtime.store.count(store_errors=1)
        raise Retry(defer=_delay(ctx, tries, exc)) from exc
    return outcome


async def _gave_up(runtime: Runtime, job: ArticleJob, exc: FetchError, tries: int) -> str:
    """The last attempt failed: a first visit that may work later is kept for later rounds."""
    if not exc.retryable:
        log.warning("giving up on %s: %s", job.url, exc)
        return "fetch-failed"
    log.warning("%s failed %d time(s), the last with: %s", job.url, tries, exc)
    try:
        return await runtime.pipeline.retry_later(job)
    except (StoreError, RedisError) as error:
        log.error("could not keep %s for a later try: %s", job.url, error)
        return "fetch-failed"


def _delay(ctx: dict[str, Any], tries: int, exc: Exception) -> float:
    runtime: Runtime = ctx["runtime"]
    delay: float = runtime.settings.worker.retry_delay * 2.0 ** (tries - 1)
    if isinstance(exc, FetchError) and exc.retry_after:
        delay = max(delay, exc.retry_after)
    return min(delay, float(ctx.get("max_retry_delay", 3600.0)))
