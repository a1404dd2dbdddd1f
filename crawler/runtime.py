"""Start-up and shut-down of everything a newswatch process holds, in one place.

Start order: store server (embedded Valkey unless a URL is configured) → Redis connection →
arq queue pool → HTTP fetcher → seed profiles (indexed as the story's first document) →
scheduler and discovery (nothing registered yet) → hooks. Teardown runs in exactly the reverse
order (``AsyncExitStack``), also when start-up fails half-way.

Opening a runtime changes no feed: the scheduler registers feeds and refreshes discovery when
it first polls (:meth:`crawler.scheduler.Scheduler.refresh`), so a worker process — ``newswatch
worker``, ``arq workers.WorkerSettings`` — never replaces what a running scheduler polls.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings

from crawler.config import Settings
from crawler.core.dedup import fingerprint
from crawler.discovery import Discovery
from crawler.fetch import Fetcher
from crawler.hooks import build_hook
from crawler.hooks.dispatcher import Dispatcher
from crawler.models import SeedProfile
from crawler.pipeline import SEED_DOC, ArticlePipeline
from crawler.scheduler import Scheduler
from crawler.seeds import load_seed
from crawler.store import Store
from crawler.store.embedded import EmbeddedValkey

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Runtime:
    """The dependencies every role shares; built once per process, passed down explicitly."""

    settings: Settings
    redis_url: str
    store: Store
    queue: ArqRedis
    fetcher: Fetcher
    profiles: dict[str, SeedProfile]
    pipeline: ArticlePipeline
    scheduler: Scheduler
    dispatcher: Dispatcher
    discovery: Discovery | None = None


@contextlib.asynccontextmanager
async def open_store(settings: Settings) -> AsyncIterator[tuple[Store, str]]:
    """Just the store (and the embedded server when no URL is configured)."""
    async with contextlib.AsyncExitStack() as stack:
        url = settings.redis.url
        if not url:
            server = EmbeddedValkey(settings.storage.data_dir)
            url = await asyncio.to_thread(server.acquire)
            stack.push_async_callback(asyncio.to_thread, server.release)
        store = await Store.connect(url, settings.redis.key_prefix)
        stack.push_async_callback(store.close)
        yield store, url


@contextlib.asynccontextmanager
async def open_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    async with contextlib.AsyncExitStack() as stack:
        store, url = await stack.enter_async_context(open_store(settings))
        queue = await create_pool(RedisSettings.from_dsn(url), default_queue_name=store.keys.queue)
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
            settings, url, store, queue, fetcher, profiles, pipeline, scheduler, dispatcher
        )
        yield replace(runtime, discovery=discovery)


async def _index_seeds(store: Store, profiles: dict[str, SeedProfile]) -> None:
    """The seed is document ``seed`` of its story's copy index (idempotent)."""
    async with store.transaction() as pipe:
        for story, profile in profiles.items():
            store.index.queue_add(pipe, story, SEED_DOC, fingerprint(profile.text))
        await pipe.execute()
