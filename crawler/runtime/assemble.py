"""Start-up and shut-down of everything a newswatch process holds, in one place.

A runtime is built **per role** (:data:`ROLES`): every process gets the store, the job queue,
the fetcher, the seed profiles and the clock; a ``worker`` adds the article pipeline and the
hook dispatcher (and indexes the seeds as each story's first document); a ``scheduler`` adds
the scheduler and discovery (and makes sure every hook's outbox group exists, so the feed
events it emits before any worker ran are delivered). ``newswatch worker`` and ``arq
workers.WorkerSettings`` build no scheduler; ``newswatch scheduler`` builds no pipeline;
``run`` and ``run --once`` build both. Asking a runtime for a part its roles did not build
raises :class:`RoleError`.

Start order: store server (embedded Valkey unless a URL is configured; it heals itself, and
every pool follows its restarts, see :mod:`crawler.store.embedded`) → Redis connection →
arq queue pool → HTTP fetcher → seed profiles → scheduler and discovery (nothing registered
yet) → hooks → pipeline. Teardown runs in exactly the reverse order (``AsyncExitStack``), also
when start-up fails half-way.

Opening a runtime changes no feed: the scheduler registers feeds and refreshes discovery when
it first polls (:meth:`crawler.stages.poll.scheduler.Scheduler.refresh`), so a worker process
never replaces what a running scheduler polls.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Collection
from dataclasses import dataclass, replace
from typing import Literal

from crawler.clock import Clock, SystemClock
from crawler.config import Settings
from crawler.core.dedup import fingerprint
from crawler.fetch import Fetcher
from crawler.models import SeedProfile
from crawler.stages.article.pipeline import SEED_DOC, ArticlePipeline
from crawler.stages.deliver import build_hook
from crawler.stages.deliver.dispatcher import Dispatcher
from crawler.stages.poll.scheduler import Scheduler
from crawler.stages.poll.searches import Discovery
from crawler.stages.seed.load import load_seed
from crawler.store import Store, StoreAddress, WriteSet
from crawler.store.embedded import EmbeddedValkey
from crawler.store.queue import JobQueue
from crawler.store.writes import IndexAdd

log = logging.getLogger(__name__)

ProcessRole = Literal["scheduler", "worker"]
ROLES: tuple[ProcessRole, ...] = ("scheduler", "worker")


class RoleError(RuntimeError):
    """A part of the runtime its process's roles did not build."""


@dataclass(frozen=True, slots=True)
class WorkerParts:
    pipeline: ArticlePipeline
    dispatcher: Dispatcher


@dataclass(frozen=True, slots=True)
class SchedulerParts:
    scheduler: Scheduler
    discovery: Discovery


@dataclass(frozen=True, slots=True)
class Runtime:
    """What one process holds for its roles; built once, passed down explicitly."""

    settings: Settings
    address: StoreAddress
    store: Store
    queue: JobQueue
    fetcher: Fetcher
    profiles: dict[str, SeedProfile]
    clock: Clock
    worker_parts: WorkerParts | None = None
    scheduler_parts: SchedulerParts | None = None

    @property
    def redis_url(self) -> str:
        return self.address.url

    @property
    def roles(self) -> tuple[ProcessRole, ...]:
        built = (self.scheduler_parts, self.worker_parts)
        return tuple(role for role, parts in zip(ROLES, built, strict=True) if parts)

    @property
    def pipeline(self) -> ArticlePipeline:
        return self._worker().pipeline

    @property
    def dispatcher(self) -> Dispatcher:
        return self._worker().dispatcher

    @property
    def scheduler(self) -> Scheduler:
        return self._scheduler().scheduler

    @property
    def discovery(self) -> Discovery:
        return self._scheduler().discovery

    def _worker(self) -> WorkerParts:
        if self.worker_parts is None:
            raise RoleError(f"this runtime ({'+'.join(self.roles)}) has no worker role")
        return self.worker_parts

    def _scheduler(self) -> SchedulerParts:
        if self.scheduler_parts is None:
            raise RoleError(f"this runtime ({'+'.join(self.roles)}) has no scheduler role")
        return self.scheduler_parts


@contextlib.asynccontextmanager
async def open_address(settings: Settings) -> AsyncIterator[StoreAddress]:
    """Where the store is: the configured URL, or the bundled server (started or joined, and
    supervised while this process uses it)."""
    if settings.redis.url:
        yield StoreAddress(settings.redis.url)
        return
    server = EmbeddedValkey(settings.storage.data_dir)
    url = await asyncio.to_thread(server.acquire)
    try:
        yield StoreAddress(url, server.data_dir)
    finally:
        await asyncio.to_thread(server.release)


@contextlib.asynccontextmanager
async def open_store(settings: Settings) -> AsyncIterator[tuple[Store, str]]:
    """Just the store (and the embedded server when no URL is configured)."""
    async with open_address(settings) as address:
        store = await Store.connect(address, settings.redis.key_prefix)
        try:
            yield store, address.url
        finally:
            await store.close()


@contextlib.asynccontextmanager
async def open_runtime(
    settings: Settings, roles: Collection[str] = ROLES, clock: Clock | None = None
) -> AsyncIterator[Runtime]:
    """The runtime of a process playing ``roles`` (:data:`ROLES`; default: both)."""
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ValueError(f"roles: {sorted(roles)} (known: {', '.join(ROLES)})")
    clock = clock or SystemClock()
    async with contextlib.AsyncExitStack() as stack:
        address = await stack.enter_async_context(open_address(settings))
        store = await Store.connect(address, settings.redis.key_prefix)
        stack.push_async_callback(store.close)
        queue = JobQueue(address.arq(store.keys.queue), store.keys)
        stack.push_async_callback(queue.aclose)
        fetcher = Fetcher(settings.crawler, store.hosts)  # politeness + robots shared in Redis
        stack.push_async_callback(fetcher.close)
        profiles = {s.id: await load_seed(s, fetcher) for s in settings.story}
        runtime = Runtime(settings, address, store, queue, fetcher, profiles, clock)
        if "scheduler" in roles:
            runtime = await _with_scheduler(runtime)
        if "worker" in roles:
            runtime = await _with_worker(runtime, stack)
        yield runtime


async def _with_scheduler(runtime: Runtime) -> Runtime:
    settings, store, queue = runtime.settings, runtime.store, runtime.queue
    discovery = Discovery(settings, store, runtime.profiles, queue)
    scheduler = Scheduler(
        settings, store, runtime.fetcher, queue, runtime.profiles, discovery, runtime.clock
    )
    for hook in settings.hook_list():  # events emitted before a worker starts are kept
        await store.outbox.ensure_group(hook.name)
    return replace(runtime, scheduler_parts=SchedulerParts(scheduler, discovery))


async def _with_worker(runtime: Runtime, stack: contextlib.AsyncExitStack) -> Runtime:
    settings, store = runtime.settings, runtime.store
    await _index_seeds(store, runtime.profiles)
    hooks = [build_hook(h, settings.crawler.user_agent) for h in settings.hook_list()]
    dispatcher = Dispatcher(store, hooks, clock=runtime.clock)
    await dispatcher.start()
    stack.push_async_callback(dispatcher.close)
    pipeline = ArticlePipeline(settings, store, runtime.fetcher, runtime.profiles, runtime.clock)
    return replace(runtime, worker_parts=WorkerParts(pipeline, dispatcher))


async def _index_seeds(store: Store, profiles: dict[str, SeedProfile]) -> None:
    """The seed is document ``seed`` of its story's copy index (idempotent)."""
    seeds = (IndexAdd(story, SEED_DOC, fingerprint(p.text)) for story, p in profiles.items())
    await store.commit(WriteSet().add(*seeds))
