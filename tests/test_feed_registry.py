"""Who decides which feeds exist, and what each story has seen.

* Seen feed entries are kept per story: a link that one story's feed took first is still new
  to another story's feed.
* Only a scheduler registers feeds and rebuilds discovery's searches; a worker process
  starting changes nothing. A scheduler that claims a search feed another scheduler built
  reads it from the Redis registry and polls it.
* ``newswatch status`` lists the discovery feeds and never prints the store's password.

Real Redis (the test's prefix), real local HTTP servers; two runtimes on one prefix stand for
two processes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from crawler.cli import inspect
from crawler.cli.inspect import _status
from crawler.config import Settings
from crawler.runtime import open_runtime
from crawler.runtime.roles import run_once
from crawler.store import Store
from tests.conftest import SEED_FILE, LocalSite
from tests.newstexts import SAME_EVENT, SAME_EVENT_TITLE, WIRE, WIRE_TITLE
from tests.test_clusters import page
from tests.test_discovery import GDELT, GOOGLE, SearchService, _settings, grown, rss


async def _due(store: Store) -> set[str]:
    return {m.decode() for m in await store.redis.zrange(store.keys.feeds_due, 0, -1)}


async def test_a_link_seen_for_one_story_is_still_new_to_another(
    site: LocalSite, make_settings: Callable[..., Settings], store: Store
) -> None:
    wire = site.text("/a/masimov.html", page(WIRE_TITLE, WIRE))
    items = rss([(WIRE_TITLE, wire, WIRE[0])])
    feed_a = site.text("/feed-a.xml", items, content_type="application/rss+xml")
    feed_b = site.text("/feed-b.xml", items, content_type="application/rss+xml")
    settings = make_settings(
        story=[
            {"id": "unrest", "seed": str(SEED_FILE), "revisit": ["1h"]},
            {"id": "masimov", "seed": str(SEED_FILE), "revisit": ["1h"]},
        ],
        feed=[{"url": feed_a, "stories": ["unrest"]}, {"url": feed_b, "stories": ["masimov"]}],
    )
    async with open_runtime(settings) as runtime:  # feed A is polled first, then feed B
        first = await runtime.scheduler.poll_feed(settings.feed[0])
        second = await runtime.scheduler.poll_feed(settings.feed[1])
    assert (first.queued, second.queued) == (1, 1)
    await run_once(settings)
    related = {
        e["story"]: e["article"]["url"]
        for e in await store.outbox.all_events()
        if e["type"] == "article.related"
    }
    assert related == {"unrest": wire, "masimov": wire}


async def test_only_schedulers_change_the_feeds_and_claimed_searches_are_polled(
    make_settings: Callable[..., Settings], site: LocalSite, store: Store
) -> None:
    same = site.text("/a/withdrawal.html", page(SAME_EVENT_TITLE, SAME_EVENT))
    google = SearchService([(SAME_EVENT_TITLE, same, SAME_EVENT[0])])
    site.route(GOOGLE, google)
    site.route(GDELT, SearchService([]))
    settings = _settings(make_settings, site, discover=True)
    async with open_runtime(settings) as one:
        await one.scheduler.poll_all()  # scheduler one registers and polls the searches
        built = await store.discovery.feeds("story")
        assert len(built) == 2 and await _due(store) == built

        # the story develops: the grown profile would give different searches now
        async with store.transaction() as pipe:
            for _ in range(5):
                store.discovery.queue_grow(pipe, "story", grown({"smailov": 0.6, "minist": 0.2}))
            await pipe.execute()
        async with open_runtime(settings):  # a worker process starts (and stops)
            pass
        assert await store.discovery.feeds("story") == built and await _due(store) == built

        async with open_runtime(settings) as two:  # a second scheduler refreshes first
            await two.scheduler.refresh()
        rebuilt = await store.discovery.feeds("story")
        assert len(rebuilt) == 2 and not rebuilt & built and await _due(store) == rebuilt

        asked = len(google.queries)
        results = await one.scheduler.poll_all()  # one never built these: it reads them
    assert {r.url for r in results} == rebuilt
    assert all(r.status == "changed" for r in results)
    assert len(google.queries) == asked + 1 and "smailov" in google.queries[-1]["q"].split()


async def test_status_lists_discovery_feeds_without_the_password(
    make_settings: Callable[..., Settings],
    site: LocalSite,
    store: Store,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site.route(GOOGLE, SearchService([]))
    site.route(GDELT, SearchService([]))
    settings = _settings(make_settings, site, discover=True)
    await run_once(settings)
    searches = await store.discovery.feeds("story")

    data: dict[str, Any] = await _status(settings, store, "redis://nw:s3cret@10.0.0.7:6379/0")
    assert "s3cret" not in json.dumps(data) and data["store"].endswith("@10.0.0.7:6379/0")
    listed = {f["url"]: (f["origin"], f["story"], f["status"]) for f in data["feeds"]}
    assert listed == {u: ("discovery", "story", "ok") for u in searches}

    assert await inspect.status(settings, as_json=False) == 0
    out = capsys.readouterr().out
    assert all(f"{u}  (discovery: story)" in out for u in searches)
