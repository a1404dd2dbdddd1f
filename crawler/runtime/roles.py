"""The process roles: ``run`` (scheduler + worker), ``scheduler``, ``worker``, ``run --once``.

SIGINT/SIGTERM set a stop flag: the scheduler stops claiming feeds, the worker stops picking
jobs and waits up to ``[worker] drain_timeout`` for running ones (a job still running then is
cancelled and retried later by arq), the dispatcher delivers what was emitted, and the
runtime is torn down in reverse order. The process then exits 0.

Each running role beats its heartbeat in Redis (:mod:`crawler.store.heartbeats`) for
``/readyz``; with ``[http] listen`` set, ``run`` (and the role commands) also serve the web
view, API and metrics (:mod:`crawler.web`) until they stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from arq import Worker
from arq.constants import in_progress_key_prefix

from crawler.config import Settings
from crawler.durations import format_duration
from crawler.runtime import ROLES, Runtime, open_runtime
from crawler.runtime.retention import Retention
from crawler.stages.deliver.dispatcher import DeliveryReport
from crawler.store.heartbeats import BEAT_EVERY
from crawler.store.liveness import BEAT
from workers.worker import build_worker, ended

log = logging.getLogger(__name__)

REPORT_EVERY = 30.0
# ``run --once`` retries a failing fetch within the run at most this far apart (a burst worker
# waits for deferred jobs); what still fails is kept for later runs (retry-later set, revisits)
ONCE_RETRY_DELAY = 2.0
# ``run --once`` waits for a failing hook's retries due within this many seconds; later ones
# are left for the next run (the backoff is kept in Redis)
ONCE_DELIVERY_PATIENCE = 3.0


@dataclass(frozen=True, slots=True)
class OnceSummary:
    feeds: int
    failed_feeds: int
    queued: int
    revisits: int
    jobs: int
    deliveries: DeliveryReport

    @property
    def delivered(self) -> int:
        return self.deliveries.delivered


async def run_once(settings: Settings) -> OnceSummary:
    """Poll every feed once, run every resulting job and every due revisit, deliver, exit
    (one process, both roles)."""
    async with open_runtime(settings) as runtime:
        return await once(runtime)


async def once(runtime: Runtime) -> OnceSummary:
    """Rounds of jobs until no feed entry waits: the fairness caps hold within the run too,
    so a flooding feed's entries come in rounds while the other feeds' are done in the first."""
    polls = await runtime.scheduler.poll_all()
    revisits = await runtime.scheduler.release_revisits()
    jobs = 0
    while True:
        worker = build_worker(runtime, burst=True, max_retry_delay=ONCE_RETRY_DELAY)
        try:
            await worker.async_run()
        finally:
            await worker.close()
        jobs += ended(worker)
        if not await runtime.scheduler.release_waiting():
            break
    deliveries = await runtime.dispatcher.drain(patience=ONCE_DELIVERY_PATIENCE)
    await Retention(runtime.settings, runtime.store, runtime.clock).sweep()
    return OnceSummary(
        feeds=len(polls),
        failed_feeds=sum(p.status in ("failed", "gone") for p in polls),
        queued=sum(p.queued for p in polls),
        revisits=revisits,
        jobs=jobs,
        deliveries=deliveries,
    )


async def run_roles(
    settings: Settings,
    scheduler: bool = True,
    worker: bool = True,
    stop: asyncio.Event | None = None,
) -> None:
    """Run until SIGINT/SIGTERM (or ``stop`` is set), then drain and stop cleanly."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    roles = [r for r, on in zip(ROLES, (scheduler, worker), strict=True) if on]
    async with open_runtime(settings, roles) as runtime, contextlib.AsyncExitStack() as web:
        if settings.http.listen:
            from crawler.web import serving

            await web.enter_async_context(serving(settings, runtime.store, None))
        tasks = [
            asyncio.create_task(_report(runtime, stop)),
            asyncio.create_task(_heartbeat(runtime, roles, stop)),
        ]
        if scheduler:
            tasks.append(asyncio.create_task(runtime.scheduler.run(stop)))
            retention = Retention(runtime.settings, runtime.store, runtime.clock)
            tasks.append(asyncio.create_task(retention.run(stop)))
            tasks.append(asyncio.create_task(runtime.discovery.run(stop, runtime.scheduler)))
        if worker:
            tasks.append(asyncio.create_task(_supervise_worker(runtime, stop)))
            tasks.append(asyncio.create_task(runtime.dispatcher.run(stop)))
        log.info("newswatch running (%s); Ctrl-C to stop", "+".join(roles))
        await stop.wait()
        log.info("stopping: draining running jobs")
        await asyncio.gather(*tasks, return_exceptions=True)
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.remove_signal_handler(sig)
    log.info("stopped")


async def _supervise_worker(runtime: Runtime, stop: asyncio.Event) -> None:
    """Run the arq worker until ``stop``; restart it (with backoff) if it dies, e.g. when
    Redis goes away — arq's poll loop ends on the first connection error."""
    name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    current: list[Worker] = []
    beat = asyncio.create_task(_beat(runtime, name, current, stop))
    try:
        await _run_worker(runtime, name, stop, current)
    finally:
        await beat


async def _run_worker(
    runtime: Runtime, name: str, stop: asyncio.Event, current: list[Worker]
) -> None:
    delay = 1.0
    while not stop.is_set():
        worker = build_worker(runtime, name=name)
        current[:] = [worker]
        task = asyncio.create_task(worker.async_run())
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if stop.is_set():
            await _drain(worker, runtime.settings.worker.drain_timeout)
            await asyncio.gather(task, return_exceptions=True)
            return
        stopping.cancel()
        problem = task.exception() if not task.cancelled() else None
        log.error("worker stopped unexpectedly (%r); restarting in %.0fs", problem, delay)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=delay)
        await _release_interrupted(worker)
        delay = min(delay * 2, 60.0)


async def _beat(runtime: Runtime, name: str, current: list[Worker], stop: asyncio.Event) -> None:
    """Say this worker lives and what it runs; release the jobs of workers that died
    (:mod:`crawler.store.liveness`), so a ``kill -9``'d worker's jobs run again in seconds."""
    liveness = runtime.store.liveness
    while not stop.is_set():
        try:
            jobs = [job for w in current for job, t in w.tasks.items() if not t.done()]
            await liveness.beat(name, jobs)
            released = await liveness.reap()
            if released:
                log.warning("a worker died; %d of its jobs run again now", len(released))
        except Exception as exc:  # Redis away: the worker's own supervision reports it
            log.debug("worker heartbeat failed: %r", exc)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=BEAT)
    with contextlib.suppress(Exception):
        await liveness.leave(name)


async def _release_interrupted(worker: Worker) -> None:
    """Let the next worker take the jobs this one was running when it died at once.

    arq marks a running job with an ``in-progress`` key that outlives the worker by
    ``job_timeout`` + 10 s; the jobs of a worker whose loop died (Redis went away) are ours
    alone, so once they have finished their marks are removed. When Redis is still away this
    does nothing, and the marks expire on their own."""
    running = list(worker.tasks.values())
    await asyncio.gather(*running, return_exceptions=True)
    jobs = list(worker.tasks)
    try:
        if jobs:
            await worker.pool.delete(*(in_progress_key_prefix + job for job in jobs))
        await worker.close()
    except Exception as exc:  # still away: the keys expire by themselves
        log.debug("could not release the interrupted jobs yet: %r", exc)
        with contextlib.suppress(Exception):
            await worker.pool.aclose()


async def _drain(worker: Worker, grace: float) -> None:
    worker.allow_pick_jobs = False
    running = [t for t in worker.tasks.values() if not t.done()]
    if running:
        await asyncio.wait(running, timeout=grace)
    await worker.close()


async def _heartbeat(runtime: Runtime, roles: Sequence[str], stop: asyncio.Event) -> None:
    """Beat every ``BEAT_EVERY`` seconds until ``stop``; a clean stop removes the beats."""
    process = f"{socket.gethostname()}:{os.getpid()}"
    beats = runtime.store.heartbeats
    while not stop.is_set():
        with contextlib.suppress(Exception):  # the store being away is reported elsewhere
            await beats.beat(list(roles), process, runtime.clock.now())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=BEAT_EVERY)
    with contextlib.suppress(Exception):
        await beats.stop(list(roles), process)


async def _report(runtime: Runtime, stop: asyncio.Event) -> None:
    """One progress line per ``REPORT_EVERY`` seconds, only when something happened."""
    last: dict[str, int] = {}
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=REPORT_EVERY)
        try:
            now = await runtime.store.stats()
        except Exception:
            continue
        delta = {k: v - last.get(k, 0) for k, v in now.items() if v != last.get(k, 0)}
        last = now
        if delta:
            log.info("last %s: %s", format_duration(REPORT_EVERY), _summary(delta))


def _summary(delta: dict[str, int]) -> str:
    parts = [
        ("feeds polled", "feeds_polled"),
        ("feeds failed", "feeds_failed"),
        ("new entries", "entries_new"),
        ("queued", "entries_queued"),
        ("related", "articles_related"),
        ("duplicates", "articles_duplicate"),
        ("unrelated", "articles_unrelated"),
        ("events delivered", "events_delivered"),
        ("new versions", "versions"),
    ]
    return ", ".join(f"{label} {delta[key]}" for label, key in parts if delta.get(key)) or "idle"
