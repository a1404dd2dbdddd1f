"""Drill: the Redis server (an external one, as ``NEWSWATCH_REDIS_URL`` names) restarts in
the middle of a crawl. The daemon notices (each role logs the outage once), keeps running,
and finishes the crawl when Redis is back with its data (AOF): every article stored once,
every event delivered once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from crawler.config import settings_from_mapping
from crawler.runtime.roles import run_roles
from crawler.store import Store
from tests.drills.crawl import Crawl, article_events, check_once, delivered, until
from tests.test_resilience import Valkey

pytestmark = [pytest.mark.drill, pytest.mark.timeout(240)]


@pytest.fixture
def valkey(tmp_path: Path) -> Iterator[Valkey]:
    server = Valkey(tmp_path / "redis")
    server.data_dir.mkdir()
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def crawl() -> AsyncIterator[Crawl]:
    async with Crawl(articles=30, feeds=3) as site:
        yield site


async def test_redis_restart_mid_crawl_loses_and_repeats_nothing(
    crawl: Crawl, valkey: Valkey, tmp_path: Path
) -> None:
    settings = settings_from_mapping(crawl.config(tmp_path, {"url": valkey.url}))
    stop = asyncio.Event()
    daemon = asyncio.create_task(run_roles(settings, stop=stop))
    try:
        await until(lambda: _at_least(tmp_path, 1))
        valkey.stop()  # SIGTERM: Redis shuts down (AOF flushed) mid-crawl
        assert len(article_events(delivered(tmp_path))) < len(crawl.urls)
        valkey.start()  # back on the same port with its data
        await until(lambda: _at_least(tmp_path, len(crawl.urls)))
    finally:
        stop.set()
        await asyncio.wait_for(daemon, 60)
    store = await Store.connect(valkey.url, settings.redis.key_prefix)
    try:
        await check_once(store, crawl, delivered(tmp_path))
    finally:
        await store.close()


async def _at_least(tmp_path: Path, count: int) -> bool:
    return len(article_events(delivered(tmp_path))) >= count
