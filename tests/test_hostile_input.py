"""Hostile links and redirects: one bad link or header never stalls the scheduler.

Feeds and redirect headers are written by strangers. A link that cannot be followed drops its
own entry (with a debug log), a malformed ``Location`` is a logged, non-retryable
``RedirectError``, an unfetchable URL is a non-retryable error, and an unexpected error in one
feed's poll is that feed's failure — the other feeds of the batch are polled regardless.
Everything runs against a real local HTTP server and the test's Redis.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import pytest
from aiohttp import web

from crawler.config import CrawlerConfig, Settings
from crawler.core.feedparse import parse_feed, parse_with_feedparser
from crawler.core.urls import canonical_url, choose_canonical, followable
from crawler.errors import FetchError, RedirectError
from crawler.fetch import Fetcher
from crawler.runtime import open_runtime
from crawler.stages.poll import scheduler as scheduler_module
from crawler.store import Store
from tests.conftest import LocalSite

NOW = datetime.now(UTC).replace(microsecond=0)
HOSTILE = [
    "http://example.com:99999/port-out-of-range",
    "http://example.com:abc/port-not-a-number",
    "http://[::1",
    "http://[bad/ipv6",
    "javascript:alert(1)",
    "http://a.example\\evil/backslash",
]
GOOD = ["https://news.example.org/kazakhstan-1", "https://news.example.org/kazakhstan-2"]


def rss(links: list[str]) -> str:
    items = "".join(
        f"<item><title>Kazakhstan unrest: Tokayev report {i}</title><link>{link}</link>"
        f"<pubDate>{format_datetime(NOW)}</pubDate></item>"
        for i, link in enumerate(links)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{items}</channel></rss>'
    )


async def _queued(store: Store) -> list[str]:
    return sorted(m.decode() for m in await store.redis.zrange(store.keys.queue, 0, -1))


@pytest.mark.parametrize("link", HOSTILE[:4])
def test_canonical_url_rejects_what_cannot_be_a_link(link: str) -> None:
    with pytest.raises(ValueError):
        canonical_url(link)
    assert not followable(link)


def test_a_malformed_declared_canonical_falls_back_to_the_fetched_url() -> None:
    fetched = "https://news.example.org/2022/report"
    assert choose_canonical(fetched, "http://[bad") == fetched
    assert choose_canonical(fetched, "https://news.example.org:99999/x") == fetched


@pytest.mark.parametrize("parse", [parse_feed, parse_with_feedparser])
def test_parsing_drops_only_the_hostile_entries(parse: Callable[..., Any]) -> None:
    body = rss([GOOD[0], *HOSTILE, GOOD[1]]).encode()
    parsed = parse(body, "https://feeds.example.org/world.xml")
    assert [e.link for e in parsed.entries] == GOOD
    assert len(parsed.rejected) == len(HOSTILE)


async def test_a_feed_with_hostile_links_still_yields_its_other_entries(
    site: LocalSite, make_settings: Callable[..., Settings]
) -> None:
    hostile = site.text("/hostile", rss([GOOD[0], *HOSTILE, GOOD[1]]), "application/rss+xml")
    plain = site.text("/plain", rss(["https://other.example.org/almaty"]), "application/rss+xml")
    settings = make_settings(feed=[{"url": hostile}, {"url": plain}])
    async with open_runtime(settings) as runtime:
        results = {r.url: r for r in await runtime.scheduler.poll_all()}
        state = await runtime.store.schedule.feed_state(hostile)
        queued = await _queued(runtime.store)
    assert results[hostile].status == "changed" and results[hostile].entries == 2
    assert results[hostile].queued == 2 and results[plain].queued == 1
    assert state.status == "ok" and state.failures == 0 and state.last_ok
    assert len(queued) == 2  # the hostile feed's two entries share one job


async def test_an_unexpected_error_in_one_feed_fails_that_feed_only(
    site: LocalSite,
    make_settings: Callable[..., Settings],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A parser bug on one feed's body (injected: no real input is known to cause one)."""

    def buggy(body: bytes, url: str, headers: Any = None) -> Any:
        if url.endswith("/boom"):
            raise RuntimeError("parser bug")
        return parse_feed(body, url, headers)

    monkeypatch.setattr(scheduler_module, "parse_feed", buggy)
    boom = site.text("/boom", rss([GOOD[0]]), "application/rss+xml")
    fine = site.text("/fine", rss([GOOD[1]]), "application/rss+xml")
    settings = make_settings(feed=[{"url": boom}, {"url": fine}])
    async with open_runtime(settings) as runtime:
        with caplog.at_level(logging.ERROR, logger="crawler.stages.poll.scheduler"):
            results = {r.url: r.status for r in await runtime.scheduler.poll_all()}
        state = await runtime.store.schedule.feed_state(boom)
        due = await runtime.store.schedule.next_poll(boom)
    assert results == {boom: "failed", fine: "changed"}
    assert state.failures == 1 and "RuntimeError('parser bug')" in state.last_error
    assert due is not None and due != float("inf")  # backs off, keeps being polled
    (record,) = [r for r in caplog.records if r.exc_info]
    assert boom in record.getMessage() and record.exc_info is not None


@pytest.mark.parametrize(
    "location", ["http://[bad/", "http://example.com:99999/x", "http://example.com:port/x"]
)
async def test_a_malformed_redirect_is_a_logged_non_retryable_error(
    site: LocalSite, location: str, caplog: pytest.LogCaptureFixture
) -> None:
    async def bad(request: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": location})

    url = site.route("/moved", bad)
    fetcher = Fetcher(CrawlerConfig(allow_private_addresses=True, per_host_delay=0))
    try:
        with (
            caplog.at_level(logging.WARNING, logger="crawler.fetch.client"),
            pytest.raises(RedirectError) as raised,
        ):
            await fetcher.fetch(url, "feed")
    finally:
        await fetcher.close()
    assert not raised.value.retryable and "malformed redirect" in str(raised.value)
    assert any("malformed redirect" in r.getMessage() for r in caplog.records)


async def test_a_feed_with_a_malformed_redirect_is_marked_failed(
    site: LocalSite, make_settings: Callable[..., Settings]
) -> None:
    async def bad(request: web.Request) -> web.Response:
        return web.Response(status=301, headers={"Location": "http://[bad/"})

    moved = site.route("/moved", bad)
    fine = site.text("/fine", rss([GOOD[0]]), "application/rss+xml")
    async with open_runtime(make_settings(feed=[{"url": moved}, {"url": fine}])) as runtime:
        results = {r.url: r.status for r in await runtime.scheduler.poll_all()}
        state = await runtime.store.schedule.feed_state(moved)
    assert results == {moved: "failed", fine: "changed"}
    assert state.failures == 1 and "malformed redirect" in state.last_error


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com:99999/x",  # refused by our own checks
        "http://[::1/x",
        "http://127.0.0.1\\evil/x",  # refused by aiohttp (yarl) before any connection
    ],
)
async def test_an_unfetchable_url_is_not_retryable(url: str) -> None:
    fetcher = Fetcher(CrawlerConfig(allow_private_addresses=True, obey_robots=False))
    try:
        with pytest.raises(FetchError) as raised:
            await fetcher.fetch(url, "html")
    finally:
        await fetcher.close()
    assert not raised.value.retryable and "invalid URL" in str(raised.value)
