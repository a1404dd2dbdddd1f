"""Discovery feeds and the pre-filter's skipped entries, against local stand-ins.

The stand-ins for Google News and GDELT are aiohttp handlers on 127.0.0.1 that record the
query they were asked and answer with RSS; ``[discovery] google_news_url`` / ``gdelt_url``
point at them. Nothing leaves the machine.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web

from crawler.cli.story import story as story_command
from crawler.config import Settings
from crawler.core.profile import GROWN_TERMS, SEED_WEIGHT, Contribution
from crawler.core.relevance import top_terms
from crawler.demo.stories import UNRELATED, UNRELATED_TITLE
from crawler.errors import ConfigError
from crawler.models import ArticleJob
from crawler.runtime import open_runtime
from crawler.runtime.roles import run_once
from crawler.store import Store
from tests.conftest import SEED_FILE, LocalSite
from tests.newstexts import SAME_EVENT, SAME_EVENT_TITLE, WIRE, WIRE_TITLE
from tests.test_clusters import page


def grown(terms: dict[str, float]) -> Contribution:
    """What one related article with these top terms adds to the profile."""
    return Contribution(terms, {}, 1.0)


GOOGLE = "/gnews/rss/search"
GDELT = "/gdelt/api/v2/doc/doc"


def rss(items: list[tuple[str, str, str]]) -> str:
    body = "".join(
        f"<item><title>{html.escape(t)}</title><link>{html.escape(u)}</link>"
        f"<description>{html.escape(d)}</description><guid>{html.escape(u)}</guid></item>"
        for t, u, d in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{body}</channel></rss>'
    )


class SearchService:
    """A stand-in search service: records each query, answers with fixed RSS items."""

    def __init__(self, items: list[tuple[str, str, str]]) -> None:
        self.items = items
        self.queries: list[dict[str, str]] = []

    async def __call__(self, request: web.Request) -> web.Response:
        self.queries.append(dict(request.query))
        return web.Response(text=rss(self.items), content_type="application/rss+xml")


def _settings(make_settings: Callable[..., Settings], site: LocalSite, **story: Any) -> Settings:
    return make_settings(
        story=[{"id": "story", "seed": str(SEED_FILE), "revisit": ["1h"], **story}],
        discovery={"google_news_url": site.url(GOOGLE), "gdelt_url": site.url(GDELT)},
    )


async def test_search_feeds_are_polled_like_any_feed(
    make_settings: Callable[..., Settings], site: LocalSite, store: Store
) -> None:
    same = site.text("/a/withdrawal.html", page(SAME_EVENT_TITLE, SAME_EVENT))
    wire = site.text("/a/masimov.html", page(WIRE_TITLE, WIRE))
    google = SearchService([(SAME_EVENT_TITLE, same, SAME_EVENT[0])])
    gdelt = SearchService([(WIRE_TITLE, wire, WIRE[0])])
    site.route(GOOGLE, google)
    site.route(GDELT, gdelt)

    summary = await run_once(_settings(make_settings, site, discover=True))

    assert summary.feeds == 2 and summary.failed_feeds == 0
    (asked,) = google.queries
    words = asked["q"].split()
    assert len(words) == 4 and {"kazakhstan", "tokayev"} <= set(words)
    assert (asked["hl"], asked["gl"], asked["ceid"]) == ("en-US", "US", "US:en")
    (asked_gdelt,) = gdelt.queries
    assert asked_gdelt["query"] == asked["q"]
    assert (asked_gdelt["mode"], asked_gdelt["format"]) == ("artlist", "rss")
    events = [e for e in await store.outbox.all_events() if e["type"].startswith("article.")]
    assert sorted(e["article"]["url"] for e in events) == sorted([same, wire])
    assert {e["type"] for e in events} == {"article.related"}
    assert len(await store.discovery.feeds("story")) == 2


async def test_no_search_without_discover(
    make_settings: Callable[..., Settings], site: LocalSite, store: Store
) -> None:
    google = SearchService([])
    site.route(GOOGLE, google)
    summary = await run_once(_settings(make_settings, site))
    assert summary.feeds == 0 and google.queries == []
    assert await store.discovery.feeds("story") == set()


async def test_queries_follow_the_growing_profile(
    make_settings: Callable[..., Settings], site: LocalSite, store: Store
) -> None:
    google, gdelt = SearchService([]), SearchService([])
    site.route(GOOGLE, google)
    site.route(GDELT, gdelt)
    settings = _settings(make_settings, site, discover=True)
    await run_once(settings)
    first = google.queries[-1]["q"].split()
    before = await store.discovery.feeds("story")

    # the story develops: related articles keep naming the new prime minister
    async with store.transaction() as pipe:
        for _ in range(5):
            store.discovery.queue_grow(pipe, "story", grown({"smailov": 0.6, "minist": 0.2}))
        await pipe.execute()
    await run_once(settings)

    latest = google.queries[-1]["q"].split()
    assert "smailov" in latest and latest != first
    after = await store.discovery.feeds("story")
    assert len(after) == 2 and not (after & before)
    due = {m.decode() for m in await store.redis.zrange(store.keys.feeds_due, 0, -1)}
    assert due == after  # the old searches are no longer polled


async def test_pipeline_grows_the_profile_with_related_articles(
    make_settings: Callable[..., Settings], site: LocalSite, store: Store
) -> None:
    url = site.text("/a/withdrawal.html", page(SAME_EVENT_TITLE, SAME_EVENT))
    async with open_runtime(_settings(make_settings, site)) as runtime:
        assert await runtime.pipeline.process(ArticleJob("story", url)) == "related"
    # the seed opens the profile (counted SEED_WEIGHT times), then the article's top terms
    profile, landmark = await store.discovery.profile("story")
    assert landmark is not None
    assert profile.mass == pytest.approx(SEED_WEIGHT + 1.0)
    article = top_terms(f"{SAME_EVENT_TITLE}\n" + "\n".join(SAME_EVENT), GROWN_TERMS)
    assert {"tokayev", "troop", "kazakhstan"} <= set(article) <= set(profile.terms)
    assert sum(profile.terms.values()) == pytest.approx(SEED_WEIGHT + 1.0, rel=1e-3)
    assert "tokayev" in profile.core_names() or "kassym-jomart tokayev" in profile.core_names()


async def test_a_held_profile_follows_what_other_processes_add(
    redis_url: str, prefix: str, store: Store
) -> None:
    """A process keeps the grown profile it read; another process's contribution (or a
    prune) is seen on the next read all the same, and an unchanged one reads the same."""
    other = await Store.connect(redis_url, prefix)
    try:
        async with other.transaction() as pipe:
            other.discovery.queue_grow(pipe, "story", grown({"flood": 0.5}), landmark=1.0e9)
            await pipe.execute()
        first, landmark = await store.discovery.profile("story")
        again, _ = await store.discovery.profile("story")
        assert again == first and set(first.terms) == {"flood"} and landmark == 1.0e9
        async with other.transaction() as pipe:
            other.discovery.queue_grow(pipe, "story", grown({"dam": 2.0}))
            await pipe.execute()
        grown_now, _ = await store.discovery.profile("story")
        assert grown_now.terms == {"flood": 0.5, "dam": 2.0}
        assert grown_now.mass == pytest.approx(2.0)
        await other.redis.delete(other.keys.profile("story"), other.keys.grown("story"))
        gone, landmark = await store.discovery.profile("story")  # no stamp: read afresh
        assert gone.terms == {} and landmark is None
    finally:
        await other.close()


async def test_skipped_entries_are_kept_listed_and_rechecked(
    make_settings: Callable[..., Settings],
    site: LocalSite,
    store: Store,
    capsys: pytest.CaptureFixture[str],
) -> None:
    city = site.text("/a/cycle-lanes.html", page(UNRELATED_TITLE, UNRELATED))
    wire = site.text("/a/masimov.html", page(WIRE_TITLE, WIRE))
    feed = site.text(
        "/feed.xml",
        rss([(UNRELATED_TITLE, city, UNRELATED[0]), (WIRE_TITLE, wire, WIRE[0])]),
        content_type="application/rss+xml",
    )
    settings = make_settings(feed=[{"url": feed}])
    await run_once(settings)

    assert site.hits.get("/a/cycle-lanes.html") is None  # not fetched
    assert site.hits["/a/masimov.html"] == 1
    (kept,) = await store.discovery.skipped("story")
    assert (kept.link, kept.title, kept.feed) == (city, UNRELATED_TITLE, feed)
    assert (await store.stats())["entries_skipped"] == 1
    assert await story_command(settings, "story", as_json=True) == 0
    listed = json.loads(capsys.readouterr().out)["skipped_entries"]
    assert listed["count"] == 1 and listed["latest"][0]["link"] == city

    # later related articles are about the city's cycle lanes (the story took a turn)
    async with store.transaction() as pipe:
        store.discovery.queue_grow(pipe, "story", grown({"cycl": 0.5, "lane": 0.5}))
        await pipe.execute()
    await run_once(settings)

    assert site.hits["/a/cycle-lanes.html"] == 1  # fetched and judged now
    assert await store.discovery.skipped("story") == []
    assert (await store.stats())["entries_rechecked"] == 1


async def test_a_broken_search_service_is_a_failing_feed_not_a_crash(
    make_settings: Callable[..., Settings], site: LocalSite, store: Store
) -> None:
    same = site.text("/a/withdrawal.html", page(SAME_EVENT_TITLE, SAME_EVENT))
    site.route(GOOGLE, SearchService([(SAME_EVENT_TITLE, same, SAME_EVENT[0])]))

    async def quota_exceeded(request: web.Request) -> web.Response:
        return web.Response(text="Please limit requests to one every 5 seconds", status=429)

    site.route(GDELT, quota_exceeded)
    summary = await run_once(_settings(make_settings, site, discover=True))
    assert summary.feeds == 2 and summary.failed_feeds == 1
    events = await store.outbox.all_events()
    assert [e["article"]["url"] for e in events] == [same]


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ({"google_news_url": "ftp://news.example/search"}, "discovery.google_news_url"),
        ({"terms": 0}, "discovery.terms"),
        ({"timespan": "forever"}, "discovery.timespan"),
        ({"interval": "soon"}, "discovery.interval"),
    ],
)
def test_bad_discovery_settings_name_the_key(
    make_settings: Callable[..., Settings], section: dict[str, Any], key: str
) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        make_settings(discovery=section)
