"""Start-up and shut-down of everything a newswatch process holds, in one place.

Start order: store server (embedded Valkey unless a URL is configured; it heals itself, and
every pool follows its restarts, see :mod:`crawler.store.embedded`) → Redis connection →
arq queue pool → HTTP fetcher → seed profiles (indexed as the story's first document) →
scheduler and discovery (nothing registered yet) → hooks. Teardown runs in exactly the reverse
order (``AsyncExitStack``), also when start-up fails half-way.

Opening a runtime changes no feed: the scheduler registers feeds and refreshes discovery when
it first polls (:meth:`crawler.stages.poll.scheduler.Scheduler.refresh`), so a worker
process — ``newswatch worker``, ``arq workers.WorkerSettings`` — never replaces what a running
scheduler polls.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

from arq.connections import ArqRedis

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
from crawler.store import Store, StoreAddress
from crawler.store.embedded import EmbeddedValkey

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Runtime:
    """The dependencies every role shares; built once per process, passed down explicitly."""

    settings: Settings
    address: StoreAddress
    store: Store
    queue: ArqRedis
    fetcher: Fetcher
    profiles: dict[str, SeedProfile]
    pipeline: ArticlePipeline
    scheduler: Scheduler
    dispatcher: Dispatcher
    discovery: Discovery | None = None

    @property
    def redis_url(self) -> str:
        return self.address.url


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
async def open_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    async with contextlib.AsyncExitStack() as stack:
        address = await stack.enter_async_context(open_address(settings))
        store = await Store.connect(address, settings.redis.key_prefix)
        stack.push_async_callback(store.close)
        queue = address.arq(store.keys.queue)
        stack.push_async_callback(queue.aclose)
        fetcher = Fetcher(settings.crawler, store.hosts)  # politeness + robots shared in Redis
        stack.push_async_callback(fetcher.close)
        profiles = {s.id: await load_seed(s, fetcher) for s in settings.story}
        await _index_seeds(store, profiles)
        discovery = Discovery(settings, store, profiles, queue)
        scheduler = Scheduler(settings, store, fetcher, queue, profiles, discovery)
        dispatcher = Dispatcher(
            store, [build_hook(h, settings.crawler.user_agent) for h in settings.hook_list()]
        )
        await dispatcher.start()
        stack.push_async_callback(dispatcher.close)
        pipeline = ArticlePipeline(settings, store, fetcher, profiles)
        runtime = Runtime(
            settings, address, store, queue, fetcher, profiles, pipeline, scheduler, dispatcher
        )
        yield replace(runtime, discovery=discovery)


async def _index_seeds(store: Store, profiles: dict[str, SeedProfile]) -> None:
    """The seed is document ``seed`` of its story's copy index (idempotent)."""
    async with store.transaction() as pipe:
        for story, profile in profiles.items():
            store.index.queue_add(pipe, story, SEED_DOC, fingerprint(profile.text))
        await pipe.execute()
