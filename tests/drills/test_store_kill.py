"""Drill: ``kill -9`` of the bundled store in the middle of a crawl.

The daemon (``newswatch run``: scheduler, worker and hook delivery in one process) crawls a
local site on the bundled Valkey; at the first delivered event the server is killed. Its
supervisor restarts it from its AOF, every pool reconnects to the address in the data dir,
and the crawl finishes on its own: every article stored once, every event delivered once.

Known wait: a job whose start (arq's in-progress mark) reached Redis just before the kill,
without its reply, keeps that mark until ``job_timeout`` + 10 s (70 s here) before it runs
again; the drill then takes about that long.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from crawler.config import settings_from_mapping
from crawler.runtime import open_store
from crawler.runtime.roles import run_roles
from crawler.store.serverfiles import alive, read_recorded
from tests.drills.crawl import Crawl, article_events, check_once, delivered, until

pytestmark = [pytest.mark.drill, pytest.mark.timeout(240)]


@pytest.fixture
async def crawl() -> AsyncIterator[Crawl]:
    async with Crawl(articles=30, feeds=3) as site:
        yield site


async def test_store_kill_mid_crawl_heals_and_the_crawl_finishes(
    crawl: Crawl, tmp_path: Path
) -> None:
    settings = settings_from_mapping(crawl.config(tmp_path, {"url": ""}))
    data = tmp_path / "data"
    stop = asyncio.Event()
    daemon = asyncio.create_task(run_roles(settings, stop=stop))
    try:
        await until(lambda: _any_event(tmp_path))
        killed = read_recorded(data)
        assert killed is not None
        os.kill(killed.pid, signal.SIGKILL)  # mid-crawl: not every article is in yet
        assert len(article_events(delivered(tmp_path))) < len(crawl.urls)
        await until(lambda: _all_articles(tmp_path, crawl))
        restarted = read_recorded(data)
        assert restarted is not None and restarted.pid != killed.pid  # healed, not replaced
        assert not alive(killed.pid)
    finally:
        stop.set()
        await asyncio.wait_for(daemon, 60)
    async with open_store(settings) as (store, _):
        await check_once(store, crawl, delivered(tmp_path))


async def _any_event(tmp_path: Path) -> bool:
    return bool(delivered(tmp_path))


async def _all_articles(tmp_path: Path, crawl: Crawl) -> bool:
    return len(article_events(delivered(tmp_path))) >= len(crawl.urls)
