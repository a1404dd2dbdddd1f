"""Drill: the webhook receiver is down for a whole run.

``newswatch run --once`` crawls a local site while nothing listens at the webhook's address:
every article is stored, every delivery fails and backs off (the backoff is kept in Redis, so a
cron run does not hammer a dead receiver), the events stay in the outbox. The receiver comes
up; a run once that backoff has passed (an injected clock ten minutes on) delivers every
event, each exactly once and with the outbox's ids.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from crawler.clock import SystemClock
from crawler.config import Settings, settings_from_mapping
from crawler.runtime import open_store
from crawler.runtime.roles import run_once
from crawler.stages.deliver import build_hook
from crawler.stages.deliver.dispatcher import DeliveryReport, Dispatcher
from crawler.store.embedded import free_port
from tests.drills.crawl import Crawl, check_once

pytestmark = [pytest.mark.drill, pytest.mark.timeout(240)]


class Receiver:
    """A webhook receiver on a fixed loopback port, started only when the test says so."""

    def __init__(self) -> None:
        self.port = free_port()
        self.events: list[dict[str, Any]] = []
        self.keys: list[str] = []
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def _hook(self, request: web.Request) -> web.Response:
        self.events.append(await request.json())
        self.keys.append(request.headers.get("Idempotency-Key", ""))
        return web.Response(status=204)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self._hook)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def crawl() -> AsyncIterator[Crawl]:
    async with Crawl(articles=20, feeds=2) as site:
        yield site


async def test_a_receiver_down_for_the_whole_run_gets_every_event_once_later(
    crawl: Crawl, tmp_path: Path, redis_url: str, prefix: str
) -> None:
    receiver = Receiver()
    data = crawl.config(tmp_path, {"url": redis_url, "key_prefix": prefix})
    data["hook"] = [{"type": "webhook", "url": receiver.url, "timeout": "2s"}]
    settings = settings_from_mapping(data)
    first = await run_once(settings)  # nothing listens at the receiver's address
    assert first.delivered == 0 and first.jobs >= len(crawl.urls)
    async with open_store(settings) as (store, _):
        waiting = await store.outbox.backlog(settings.hook_list()[0].name)
        assert waiting == len(await store.outbox.all_events()) >= len(crawl.urls)
    await receiver.start()
    try:
        second = await _deliver_later(settings, minutes=10)
    finally:
        await receiver.close()
    assert second.delivered == waiting
    assert receiver.keys == [e["id"] for e in receiver.events]  # Idempotency-Key = event id
    async with open_store(settings) as (store, _):
        await check_once(store, crawl, receiver.events)
        assert await store.outbox.backlog(settings.hook_list()[0].name) == 0


class _Later(SystemClock):
    """The system clock, ``offset`` seconds on (the next cron run)."""

    def __init__(self, offset: float) -> None:
        self._offset = offset

    def now(self) -> float:
        return super().now() + self._offset


async def _deliver_later(settings: Settings, minutes: float) -> DeliveryReport:
    hooks = [build_hook(h, settings.crawler.user_agent) for h in settings.hook_list()]
    async with open_store(settings) as (store, _):
        dispatcher = Dispatcher(store, hooks, clock=_Later(minutes * 60))
        await dispatcher.start()
        try:
            return await dispatcher.drain(patience=3.0)
        finally:
            await dispatcher.close()
