"""Fairness: one huge (or hostile) feed cannot starve the others.

A feed of 10,000 items on one host sits beside three ordinary feeds. One poll of every feed:
the flood gets its cap of jobs in the queue and the rest of its entries wait in Redis; the
ordinary feeds' new entries are all queued at once, so the first round of work — long before
the next poll is due — processes every one of them. Later rounds work off the flood: every
one of its 10,000 entries is processed exactly once (one fetch of each link, one outcome).

The flood's links are dead (404), as a hostile or broken feed's often are: each entry is one
fetch and a clean "fetch-failed", which keeps 10,000 entries within the suite's time budget.
Entries go in jobs of up to ``BATCH``; the caps count entries, not jobs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from aiohttp import web

from crawler.config import Settings
from crawler.runtime import Runtime, open_runtime
from crawler.store import Store, url_doc
from crawler.store.queue import BATCH
from tests.drills.crawl import Crawl
from tests.localsite import LocalSite
from tests.processes import run_burst

FLOOD = 10_000
CAP = 500  # per feed and per host, small beside the flood


class Flood:
    """A feed of :data:`FLOOD` items that pass the pre-filter, leading to dead links."""

    def __init__(self) -> None:
        self.site = LocalSite()
        self.site.route("/feed.xml", self._feed)

    async def _feed(self, request: web.Request) -> web.Response:
        items = "".join(
            f"<item><title>Kazakhstan market note {i}</title>"
            f"<link>{self.site.url(f'/n/{i}')}</link><description>Prices</description></item>"
            for i in range(FLOOD)
        )
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Flood</title>{items}'
        return web.Response(text=body + "</channel></rss>", content_type="application/rss+xml")

    def hits(self) -> list[int]:
        return [self.site.hits.get(f"/n/{i}", 0) for i in range(FLOOD)]


@pytest.fixture
async def flood() -> AsyncIterator[Flood]:
    feed = Flood()
    await feed.site.start()
    yield feed
    await feed.site.close()


@pytest.fixture
async def ordinary() -> AsyncIterator[Crawl]:
    async with Crawl(articles=9, feeds=3) as feeds:
        yield feeds


async def _held(store: Store, feed: str) -> int:
    """The feed's entries released to jobs that have not ended."""
    key = store.waiting.feed_key(feed)
    return (await store.waiting.outstanding([key]))[key]


async def _round(runtime: Runtime) -> None:
    """One round of work: a burst worker runs every queued job."""
    await run_burst(runtime, poll_delay=0.01, within=300)


@pytest.mark.timeout(300)
async def test_a_10000_item_feed_cannot_starve_three_ordinary_feeds(
    flood: Flood, ordinary: Crawl, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(
        feed=[
            {"url": u, "interval": "10m"} for u in [flood.site.url("/feed.xml"), *ordinary.feeds]
        ],
        scheduler={"max_queued_per_feed": CAP, "max_queued_per_host": CAP},
        crawler={"per_host_concurrency": 8},
        worker={"max_jobs": 8},
    )
    flood_url = flood.site.url("/feed.xml")
    async with open_runtime(settings) as runtime:
        store = runtime.store
        polls = await runtime.scheduler.poll_all()  # one poll of every feed
        assert sorted(p.queued for p in polls) == [3, 3, 3, FLOOD]  # all taken, none lost
        assert await _held(store, flood_url) == CAP  # entries in jobs: the flood's cap
        assert [await _held(store, f) for f in ordinary.feeds] == [3, 3, 3]
        jobs = await store.readouts.queue_depth()
        assert jobs == -(-CAP // BATCH) + 3  # several entries of one feed per job
        assert await store.waiting.waiting() == FLOOD - CAP

        await _round(runtime)  # the first round: before any feed is due again
        docs = {url_doc(u) for u in ordinary.urls}
        assert set(await store.articles.tracked_docs("story")) == docs
        assert await store.waiting.waiting() == FLOOD - CAP  # the flood waits its turn

        rounds = 1
        while await runtime.scheduler.release_waiting():
            assert await _held(store, flood_url) <= CAP  # never more than the cap
            await _round(runtime)
            rounds += 1
        assert rounds == FLOOD // CAP
        assert await store.waiting.waiting() == 0
        assert flood.hits() == [1] * FLOOD  # every link fetched exactly once
        stats = await store.stats()
        assert stats["jobs_fetch_failed"] == FLOOD  # one outcome each
