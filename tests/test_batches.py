"""Several feed entries of one poll in one job: one after another, each its own outcome.

An entry that must be tried again, or that a batch has no time left for, goes back to the
queue as its own job and keeps its room under the fairness caps until its outcome is in.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aiohttp import web

from crawler.config import Settings
from crawler.core.urls import source_of
from crawler.models import ArticleJob
from crawler.runtime import Runtime, open_runtime
from crawler.runtime.roles import once
from crawler.store.queue import job_id
from crawler.store.waiting import Waiting
from tests.conftest import LocalSite
from tests.processes import run_burst
from tests.test_politeness import article
from workers.jobs import Tally, process_article
from workers.worker import ended

FEED = "https://feeds.example/world.xml"


def _page(n: int, delay: float = 0.0, status: int = 200) -> Any:
    async def handler(request: web.Request) -> web.Response:
        await asyncio.sleep(delay)
        if status != 200:
            return web.Response(status=status)
        return web.Response(text=article(n), content_type="text/html")

    return handler


def _entries(runtime: Runtime, urls: list[str]) -> list[Waiting]:
    keys = runtime.store.keys
    return [
        Waiting(job_id(keys, ArticleJob("story", u)), "story", u, "new", FEED, source_of(u))
        for u in urls
    ]


async def _batch(runtime: Runtime, entries: list[Waiting]) -> str:
    """The batch job as a worker runs it (try 1), called directly."""
    ctx = {"runtime": runtime, "job_try": 1, "max_retry_delay": 3600.0, "tally": Tally()}
    return await process_article(ctx, {"batch": [e.fields() for e in entries]})


async def _held(runtime: Runtime) -> int:
    room = runtime.store.waiting
    return (await room.outstanding([room.feed_key(FEED)]))[room.feed_key(FEED)]


async def _burst(runtime: Runtime) -> int:
    return ended(await run_burst(runtime))


async def test_each_entry_of_a_batch_has_its_own_outcome_and_retries(
    site: LocalSite, make_settings: Callable[..., Settings]
) -> None:
    ok = site.route("/news/ok", _page(1))
    gone = site.route("/news/gone", _page(2, status=404))
    down = site.route("/news/down", _page(3, status=503))
    async with open_runtime(make_settings(), roles=("worker",)) as runtime:
        entries = _entries(runtime, [down, ok, gone])
        outcomes = (await _batch(runtime, entries)).split()
        assert outcomes[0] == "retrying" and outcomes[2] == "fetch-failed"
        # the failed entry waits as its own deferred job, under its own id, holding its room
        assert await runtime.store.readouts.queue_depth() == 1
        assert await _held(runtime) == 1
        assert await _burst(runtime) == 1  # its second and last try, then kept for later
        assert await _held(runtime) == 0
        stats = await runtime.store.stats()
        retry_later = await runtime.store.articles.pending_retries("story")
    assert site.hits["/news/ok"] == 1 and site.hits["/news/gone"] == 1
    assert site.hits["/news/down"] == 2  # max_tries = 2: once in the batch, once alone
    assert stats["jobs_fetch_failed"] == 1 and stats["jobs_retry_later"] == 1
    assert list(retry_later) == [down]


async def test_a_batch_out_of_time_hands_the_rest_back(
    site: LocalSite, make_settings: Callable[..., Settings]
) -> None:
    urls = [site.route(f"/news/slow-{n}", _page(n, delay=0.6)) for n in range(4)]
    slow = site.route("/news/hangs", _page(9, delay=1.5))
    fast = site.route("/news/fast", _page(8))
    settings = make_settings(worker={"job_timeout": "1s", "max_tries": 2})
    async with open_runtime(settings, roles=("worker",)) as runtime:
        outcomes = (await _batch(runtime, _entries(runtime, urls))).split()
        assert len(outcomes) == 3 and outcomes[-1] == "2-handed-back"  # two done in time
        assert await runtime.store.readouts.queue_depth() == 2 and await _held(runtime) == 2
        assert await _burst(runtime) == 2
        assert await _held(runtime) == 0
        # an entry that takes longer than job_timeout is given up; the next one still runs
        outcomes = (await _batch(runtime, _entries(runtime, [slow, fast]))).split()
        assert outcomes == ["timed-out", "1-handed-back"]  # the batch's time is used up
        assert await _burst(runtime) == 1
    assert [site.hits[f"/news/slow-{n}"] for n in range(4)] == [1, 1, 1, 1]
    assert site.hits["/news/hangs"] == 1 and site.hits["/news/fast"] == 1


async def test_a_feed_poll_releases_its_entries_in_one_job(
    site: LocalSite, make_settings: Callable[..., Settings]
) -> None:
    links = [site.route(f"/news/report-{n}", _page(n)) for n in range(3)]
    items = "".join(
        f"<item><title>Kazakhstan report {n}</title><link>{u}</link></item>"
        for n, u in enumerate(links)
    )
    rss = f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{items}'
    feed = site.text("/feed.xml", rss + "</channel></rss>", "application/rss+xml")
    async with open_runtime(make_settings(feed=[{"url": feed}])) as runtime:
        summary = await once(runtime)
        room = runtime.store.waiting
        keys = [room.feed_key(feed), room.host_key(source_of(links[0]))]
        left = [await runtime.store.redis.zcard(key) for key in keys]  # before any pruning
        held = await room.outstanding([room.feed_key(feed)])
    assert summary.queued == 3 and summary.jobs == 3  # three entries, each its outcome
    assert left == [0, 0]  # the batch freed its rooms as it ended
    assert held == {room.feed_key(feed): 0}
    assert all(site.hits[f"/news/report-{n}"] == 1 for n in range(3))
