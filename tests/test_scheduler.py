"""The scheduler against a local feed server that misbehaves on purpose (real Redis, real HTTP)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from aiohttp import web

from crawler.cli.inspect import _status
from crawler.config import Settings, settings_from_mapping
from crawler.core import cadence
from crawler.errors import ConfigError, HTTPStatusError
from crawler.runtime import open_runtime
from crawler.store import Store
from crawler.store.outbox import decode
from tests.conftest import LocalSite

NOW = datetime.now(UTC).replace(microsecond=0)


def rss(items: list[tuple[str, str, datetime]], ttl: int | None = None) -> str:
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link>"
        f"<pubDate>{format_datetime(when)}</pubDate></item>"
        for t, link, when in items
    )
    ttl_tag = f"<ttl>{ttl}</ttl>" if ttl else ""
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{ttl_tag}{body}</channel></rss>'


def items(count: int, every: timedelta, start: int = 0) -> list[tuple[str, str, datetime]]:
    return [
        (f"Kazakhstan report {i}", f"https://news.example.org/{i}", NOW - every * i)
        for i in range(start, start + count)
    ]


async def _events(store: Store) -> list[dict[str, Any]]:
    return [e for _, f in await store.redis.xrange(store.keys.events) if (e := decode(f))]


async def _due_in(store: Store, url: str) -> float:
    score = await store.schedule.next_poll(url)
    assert score is not None
    return score - time.time()


def _feed_settings(make_settings: Callable[..., Settings], url: str, **extra: Any) -> Settings:
    feed = {"url": url, "interval": "10m", **extra.pop("feed", {})}
    return make_settings(feed=[feed], **extra)


async def test_conditional_get_with_etag_and_last_modified(
    site: LocalSite, make_settings: Callable[..., Settings]
) -> None:
    body = rss(items(3, timedelta(hours=1)))
    validators = {"ETag": '"v1"', "Last-Modified": "Sun, 09 Jan 2022 08:00:00 GMT"}
    seen: list[tuple[str | None, str | None]] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append(
            (request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since"))
        )
        if seen[-1] == (validators["ETag"], validators["Last-Modified"]):
            return web.Response(status=304)
        return web.Response(text=body, content_type="application/rss+xml", headers=validators)

    url = site.route("/feed", handler)
    async with open_runtime(_feed_settings(make_settings, url)) as runtime:
        first = await runtime.scheduler.poll_all()
        again = await runtime.scheduler.poll_all()
        state = await runtime.store.schedule.feed_state(url)
    assert [r.status for r in first] == ["changed"] and first[0].entries == 3
    assert [r.status for r in again] == ["not-modified"] and again[0].entries == 0
    assert seen == [(None, None), ('"v1"', "Sun, 09 Jan 2022 08:00:00 GMT")]
    assert state.etag == '"v1"' and state.status == "ok"


async def test_unchanged_body_without_validators_is_not_parsed_again(
    site: LocalSite, make_settings: Callable[..., Settings]
) -> None:
    site.text("/feed", rss(items(2, timedelta(hours=1))), content_type="application/rss+xml")
    url = site.url("/feed")
    async with open_runtime(_feed_settings(make_settings, url)) as runtime:
        results = [(await runtime.scheduler.poll_all())[0] for _ in range(2)]
        stats = await runtime.store.stats()
    assert [r.status for r in results] == ["changed", "same-body"]
    assert stats["entries_new"] == 2 and stats["feeds_polled"] == 2


async def test_retry_after_on_503_and_429_is_a_lower_bound(
    site: LocalSite, make_settings: Callable[..., Settings]
) -> None:
    async def busy(request: web.Request) -> web.Response:
        return web.Response(status=503, headers={"Retry-After": "5400"})

    async def limited(request: web.Request) -> web.Response:
        return web.Response(status=429, headers={"Retry-After": "7200"})

    urls = [site.route("/busy", busy), site.route("/limited", limited)]
    settings = make_settings(feed=[{"url": u} for u in urls])
    async with open_runtime(settings) as runtime:
        results = await runtime.scheduler.poll_all()
        due = [await _due_in(runtime.store, u) for u in urls]
        state = await runtime.store.schedule.feed_state(urls[0])
    assert [r.status for r in results] == ["failed", "failed"]
    assert 5390 < due[0] <= 5400 and 7190 < due[1] <= 7200  # backoff alone would be ~60 s
    assert state.last_error.startswith("HTTP 503") and state.failures == 1


async def test_500_backs_off_then_failing_then_recovered(
    site: LocalSite, make_settings: Callable[..., Settings]
) -> None:
    broken = {"on": True}

    async def handler(request: web.Request) -> web.Response:
        if broken["on"]:
            return web.Response(status=500)
        return web.Response(text=rss(items(2, timedelta(hours=1))), content_type="text/xml")

    url = site.route("/feed", handler)
    settings = _feed_settings(
        make_settings, url, scheduler={"failing_after": 2, "backoff_base": "100s"}
    )
    async with open_runtime(settings) as runtime:
        delays = []
        for _ in range(3):
            assert (await runtime.scheduler.poll_all())[0].status == "failed"
            delays.append(await _due_in(runtime.store, url))
        failing = await runtime.store.schedule.feed_state(url)
        broken["on"] = False
        assert (await runtime.scheduler.poll_all())[0].status == "changed"
        healthy = await runtime.store.schedule.feed_state(url)
        emitted = await _events(runtime.store)
    assert 80 <= delays[0] <= 120 and 160 <= delays[1] <= 240 and 320 <= delays[2] <= 480
    assert failing.status == "failing" and failing.failures == 3
    assert healthy.status == "ok" and healthy.failures == 0 and healthy.last_error == ""
    assert [e["type"] for e in emitted] == ["feed.failing", "feed.recovered"]
    for event in emitted:  # the foundation's event contract for feed events
        assert set(event) == {"id", "type", "story", "at", "feed"}
        assert event["story"] == "story" and event["feed"]["url"] == url
    assert emitted[0]["feed"]["error"].startswith("HTTP 500")
    assert emitted[1]["feed"]["error"] == ""


async def test_410_disables_the_feed_and_status_says_so(
    site: LocalSite, make_settings: Callable[..., Settings]
) -> None:
    async def gone(request: web.Request) -> web.Response:
        return web.Response(status=410)

    url = site.route("/feed", gone)
    settings = _feed_settings(make_settings, url)
    async with open_runtime(settings) as runtime:
        first = await runtime.scheduler.poll_all()
        second = await runtime.scheduler.poll_all()  # even `run --once` leaves it alone
        status = await _status(settings, runtime.store, runtime.redis_url)
        emitted = await _events(runtime.store)
        due = await runtime.store.schedule.next_poll(url)
    assert [first[0].status, second[0].status] == ["gone", "gone"]
    assert site.hits["/feed"] == 1
    assert due == float("inf")
    assert [e["type"] for e in emitted] == ["feed.gone"]
    assert emitted[0]["feed"] == {"url": url, "error": f"HTTP 410 ({url})"}
    assert status["feeds"][0]["status"] == "gone"
    assert status["feeds"][0]["last_error"].startswith("HTTP 410")


async def test_cache_control_expires_and_ttl_are_lower_bounds(
    site: LocalSite, make_settings: Callable[..., Settings]
) -> None:
    body = rss(items(50, timedelta(minutes=1)))  # busy feed: adaptive interval at the minimum
    site.text("/maxage", body, "application/rss+xml", **{"Cache-Control": "public, max-age=1500"})
    expires = format_datetime(datetime.now(UTC) + timedelta(seconds=2000), usegmt=True)
    site.text("/expires", body, "application/rss+xml", Expires=expires)
    site.text("/ttl", rss(items(50, timedelta(minutes=1)), ttl=45), "application/rss+xml")
    site.text("/plain", body, "application/rss+xml")
    urls = [site.url(p) for p in ("/maxage", "/expires", "/ttl", "/plain")]
    settings = make_settings(feed=[{"url": u, "min_interval": "2m"} for u in urls])
    async with open_runtime(settings) as runtime:
        await runtime.scheduler.poll_all()
        due = [await _due_in(runtime.store, u) for u in urls]
        await runtime.scheduler.poll_all()  # same body: the stored <ttl> still applies
        ttl_again = await _due_in(runtime.store, urls[2])
    assert 1490 < due[0] <= 1500
    assert 1980 < due[1] <= 2000
    assert 2690 < due[2] <= 2700 and 2690 < ttl_again <= 2700
    assert 100 < due[3] <= 135  # min_interval 2m ± 10 % jitter


async def test_adaptive_interval_follows_entry_frequency(
    site: LocalSite, make_settings: Callable[..., Settings]
) -> None:
    site.text("/busy", rss(items(20, timedelta(minutes=15))), "application/rss+xml")
    site.text("/quiet", rss(items(5, timedelta(days=20), start=1)), "application/rss+xml")
    site.text(
        "/undated",
        rss([]).replace(
            "<title>F</title>",
            "<title>F</title><item><title>x</title><link>https://n.example/x</link></item>",
        ),
        "application/rss+xml",
    )
    urls = [site.url(p) for p in ("/busy", "/quiet", "/undated")]
    feeds = [
        {"url": u, "interval": "20m", "min_interval": "1m", "max_interval": "3h"} for u in urls
    ]
    async with open_runtime(make_settings(feed=feeds)) as runtime:
        await runtime.scheduler.poll_all()
        first = [(await runtime.store.schedule.feed_state(u)).interval for u in urls]
        await runtime.scheduler.poll_all()  # nothing new: intervals stretch by 20 %
        second = [(await runtime.store.schedule.feed_state(u)).interval for u in urls]
    assert 14 * 60 <= first[0] <= 15 * 60  # 20 entries in 4 h 45 min → one per ~14.3 min
    assert first[1] == 3 * 3600  # nothing in the last week → max_interval
    assert first[2] == 20 * 60  # no dates → the configured interval
    assert second[0] == first[0] * 1.2 and second[1] == 3 * 3600 and second[2] == 24 * 60


async def test_restart_keeps_the_schedule_and_two_schedulers_never_share_a_feed(
    site: LocalSite, make_settings: Callable[..., Settings], redis_url: str, prefix: str
) -> None:
    for i in range(30):
        site.text(f"/f{i}", rss(items(2, timedelta(hours=1), start=i * 2)), "application/rss+xml")
    settings = make_settings(feed=[{"url": site.url(f"/f{i}")} for i in range(30)])
    async with open_runtime(settings) as one, open_runtime(settings) as two:
        await one.scheduler.refresh()  # a scheduler registers the feeds (opening does not)
        claimed = await one.store.schedule.claim_due_feeds(time.time(), 60, 20)
        other = await two.store.schedule.claim_due_feeds(time.time(), 60, 20)
        assert len(claimed) == 20 and len(other) == 10 and not set(claimed) & set(other)
        polled = await one.scheduler.poll_all()
        before = {u: await one.store.schedule.next_poll(u) for u in site_urls(site, 30)}
    assert all(r.status == "changed" for r in polled)
    async with open_runtime(settings) as restarted:  # a new process: everything is in Redis
        after = {u: await restarted.store.schedule.next_poll(u) for u in site_urls(site, 30)}
        state = await restarted.store.schedule.feed_state(site.url("/f0"))
        again = await restarted.scheduler.poll_due()
    assert after == before and state.body_hash and state.last_ok
    assert again == []  # nothing is due yet: the restart polls nothing early


def site_urls(site: LocalSite, count: int) -> list[str]:
    return [site.url(f"/f{i}") for i in range(count)]


async def test_a_host_paused_by_retry_after_defers_its_feeds_without_failing_them(
    site: LocalSite, make_settings: Callable[..., Settings]
) -> None:
    async def overloaded(request: web.Request) -> web.Response:
        return web.Response(status=503, headers={"Retry-After": "300"})

    site.route("/article", overloaded)
    site.text("/feed", rss(items(2, timedelta(hours=1))), "application/rss+xml")
    url = site.url("/feed")
    async with open_runtime(_feed_settings(make_settings, url)) as runtime:
        with pytest.raises(HTTPStatusError):  # an article fetch on the same host: 503
            await runtime.fetcher.fetch(site.url("/article"), "html")
        result = await runtime.scheduler.poll_all()
        state = await runtime.store.schedule.feed_state(url)
        due = await _due_in(runtime.store, url)
    assert [r.status for r in result] == ["deferred"]
    assert "/feed" not in site.hits  # the whole host waits, feeds included
    assert state.failures == 0 and state.status == "ok"
    assert 260 < due <= 330  # Retry-After 300 ± jitter


def test_cadence_rules() -> None:
    rng = random.Random(7)
    bounds = (120.0, 3600.0)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    future = [now + timedelta(days=3), now - timedelta(minutes=30)]  # clocks ahead count as now
    assert cadence.adaptive_interval(future, now, bounds, 600) == 900.0
    assert cadence.adaptive_interval([None, None], now, bounds, 30) == 120.0  # configured, clamped
    assert all(cadence.backoff(40, 60, 3600, rng=rng) == 3600 for _ in range(5))  # capped
    assert 48 <= cadence.backoff(1, 60, 3600, rng=rng) <= 72
    assert cadence.backoff(1, 60, 3600, retry_after=10**9, rng=rng) == 86_400  # a day at most
    assert cadence.next_delay(600, [10**6], bounds, rng) == 3600  # hints capped at max
    assert 540 <= cadence.next_delay(600, [None, 30.0], bounds, rng) <= 660
    date = "Thu, 01 Jan 2026 00:00:00 GMT"
    assert cadence.cache_lifetime({"cache-control": "no-cache, max-age=90"}) == 90
    assert cadence.cache_lifetime({"expires": "Thu, 01 Jan 2026 00:10:00 GMT", "date": date}) == 600
    assert cadence.cache_lifetime({"expires": "0"}) is None  # invalid: already expired
    assert cadence.cache_lifetime({"cache-control": "max-age=soon"}) is None


def test_feed_interval_bounds_are_validated() -> None:
    story = [{"id": "s", "seed": "seed.txt"}]
    bad = {"url": "https://a.example/rss", "min_interval": "2h", "max_interval": "1h"}
    with pytest.raises(ConfigError, match=r"feed\[0\].*min_interval must not exceed max_interval"):
        settings_from_mapping({"story": story, "feed": [bad]})
    with pytest.raises(ConfigError, match=r"scheduler.*backoff_base must not exceed backoff_max"):
        settings_from_mapping(
            {"story": story, "scheduler": {"backoff_base": "2h", "backoff_max": "1h"}}
        )
    feed = settings_from_mapping({"story": story, "feed": [{"url": "https://a.example/rss"}]}).feed[
        0
    ]
    assert feed.bounds == (120.0, 3600.0)
