"""Feed status as operators see it: outlet names, config intervals applied on start, one
'network unreachable' line (real Redis, real local feeds)."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable

import pytest

from crawler.config import Settings
from crawler.core.outlets import outlet_names
from crawler.runtime import open_runtime
from crawler.store import Store
from tests.conftest import LocalSite


def rss(title: str, links: list[str]) -> str:
    items = "".join(
        f"<item><title>Item {i}</title><link>{u}</link></item>" for i, u in enumerate(links)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_publishers_feed_names_its_outlet_an_aggregators_does_not(
    site: LocalSite, store: Store, make_settings: Callable[..., Settings]
) -> None:
    own = site.text(
        "/own.xml", rss("Steppe Post", [site.url("/a"), site.url("/b")]), "application/rss+xml"
    )
    hosts = [f"https://news{i}.example.org/x" for i in range(3)]
    many = site.text("/agg.xml", rss("Everything Aggregated", hosts), "application/rss+xml")
    settings = make_settings(feed=[{"url": own}, {"url": many}], crawler={"prefilter": True})
    async with open_runtime(settings) as runtime:
        await runtime.scheduler.poll_all()
    assert await store.readouts.outlets() == {f"127.0.0.1:{site.port}": "Steppe Post"}
    assert (await store.schedule.feed_state(own)).title == "Steppe Post"


def test_outlet_names_are_plain_text_and_bounded() -> None:
    assert outlet_names("  Steppe\n Post ", ["https://a.example/1", "https://a.example/2"]) == {
        "a.example": "Steppe Post"
    }
    assert outlet_names("", ["https://a.example/1"]) == {}
    assert (
        outlet_names("X", ["https://a.example/1", "https://b.example", "https://c.example"]) == {}
    )
    assert outlet_names("X", ["http://[::1/"]) == {}


async def test_a_changed_interval_applies_at_the_next_start(
    site: LocalSite, store: Store, make_settings: Callable[..., Settings]
) -> None:
    url = site.text("/f.xml", rss("F", [site.url("/a")]), "application/rss+xml")
    slow = make_settings(feed=[{"url": url, "interval": "6h"}], crawler={"prefilter": True})
    async with open_runtime(slow) as runtime:
        await runtime.scheduler.poll_due()
    due = await store.schedule.next_poll(url)
    assert due is not None and due - time.time() > 3600  # quiet feed: hours away
    fast = make_settings(feed=[{"url": url, "interval": "2m"}], crawler={"prefilter": True})
    async with open_runtime(fast) as runtime:
        await runtime.scheduler.refresh()
    due = await store.schedule.next_poll(url)
    assert due is not None and due - time.time() <= 120
    state = await store.schedule.feed_state(url)
    assert (state.interval, state.configured) == (120.0, 120.0)
    async with open_runtime(fast) as runtime:  # unchanged: the schedule is left alone
        await runtime.scheduler.refresh()
    assert await store.schedule.next_poll(url) == due


async def test_every_feed_unreachable_is_one_line(
    store: Store, make_settings: Callable[..., Settings], caplog: pytest.LogCaptureFixture
) -> None:
    dead = [f"http://127.0.0.1:{_closed_port()}/feed{i}.xml" for i in range(4)]
    settings = make_settings(feed=[{"url": u} for u in dead])
    caplog.set_level(logging.INFO, logger="crawler.stages.poll.scheduler")
    async with open_runtime(settings) as runtime:
        results = await runtime.scheduler.poll_all()
    assert [r.status for r in results] == ["failed"] * 4
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith("network unreachable: none of the 4 feeds could be reached")
    states = await store.schedule.feed_states(dead)
    assert all(s.shown_status == "failing" and s.status == "ok" for s in states.values())
    assert all(s.last_error.startswith("cannot connect") for s in states.values())
