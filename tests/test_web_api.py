"""The web app's JSON API, pages and operations endpoints on a real server over the demo's
store (real Redis, real HTTP)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from crawler.demo.site import DemoSite
from crawler.store import Store
from crawler.store.embedded import EmbeddedValkey
from crawler.store.heartbeats import FRESH_FOR
from tests.webstand import Stand, demo_stand

STORY = "kazakhstan-unrest"


@pytest.fixture
async def stand(
    demo_site: DemoSite, redis_url: str, prefix: str, tmp_path: Path
) -> AsyncIterator[Stand]:
    async with demo_stand(demo_site, redis_url, prefix, tmp_path) as running:
        yield running


async def get(url: str, **kwargs: Any) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session, session.get(url, **kwargs) as resp:
        if resp.content_type == "application/json":
            return resp.status, await resp.json()
        return resp.status, await resp.text()


async def test_stories_show_the_current_figure_with_the_outlet_name(stand: Stand) -> None:
    status, data = await get(f"{stand.base}/api/stories")
    assert status == 200
    (story,) = data["stories"]
    assert story["id"] == STORY and story["tracked"] == 3
    killed = next(f for f in story["figures"] if f["kind"] == "killed")
    assert (killed["value"], killed["outlet"]) == (238, "World Digest")
    assert killed["source"] == stand.site.digest.base.removeprefix("http://")
    assert [e["type"] for e in story["last_events"]][:2] == ["fact.revised", "article.related"]
    status, page = await get(f"{stand.base}/")
    assert status == 200 and f'href="/stories/{STORY}"' in page


async def test_timeline_has_every_reading_and_marks_the_current_one(stand: Stand) -> None:
    status, data = await get(f"{stand.base}/api/stories/{STORY}/timeline")
    assert status == 200
    killed = next(f for f in data["facts"] if (f["kind"], f["subject"]) == ("killed", "people"))
    effects = [(r["effect"], r["value"], r["outlet"]) for r in killed["timeline"]]
    assert effects == [
        ("seed", 160, "seed"),
        ("first", 164, "Steppe Wire"),
        ("confirmed", 164, "World Digest"),  # the copy repeats its original
        ("article", 225, "Steppe Wire"),
        ("revised", 238, "World Digest"),
    ]
    assert [r["current"] for r in killed["timeline"]] == [False] * 4 + [True]
    assert killed["current"]["value"] == 238


async def test_story_has_clusters_near_misses_and_events(stand: Stand) -> None:
    status, data = await get(f"{stand.base}/api/stories/{STORY}")
    assert status == 200
    copies = [c for c in data["clusters"] if c["copies"]]
    assert len(copies) == 1 and copies[0]["copies"][0]["url"] == stand.site.copy_url
    assert data["near_misses"]["count"] == 1  # the city council story, skipped by the pre-filter
    assert data["near_misses"]["latest"][0]["link"] == stand.site.unrelated_url
    assert len(data["events"]) == 6
    status, _ = await get(f"{stand.base}/api/stories/nope")
    assert status == 404


async def test_events_page_with_a_cursor(stand: Stand) -> None:
    seen: list[str] = []
    cursor = ""
    for _ in range(5):
        status, page = await get(
            f"{stand.base}/api/stories/{STORY}/events", params={"after": cursor, "limit": "4"}
        )
        assert status == 200 and len(page["events"]) <= 4
        seen += [e["id"] for e in page["events"]]
        if not page["events"]:
            assert page["next"] == cursor  # nothing new: the same cursor again
            break
        cursor = page["next"]
    assert len(seen) == len(set(seen)) == 6
    status, body = await get(f"{stand.base}/api/stories/{STORY}/events", params={"after": "x"})
    assert status == 400 and "after" in body["error"]


async def test_article_versions_and_the_diff(stand: Stand) -> None:
    report = stand.site.report_url
    status, data = await get(f"{stand.base}/api/articles", params={"url": report})
    assert status == 200
    (tracked,) = data["stories"]
    assert [v["version"] for v in tracked["versions"]] == [1, 2] and tracked["current"] == 2
    assert tracked["outlet"] == "Steppe Wire"
    status, diff = await get(
        f"{stand.base}/api/articles/diff", params={"url": report, "story": STORY}
    )
    assert status == 200 and (diff["from"], diff["to"]) == (1, 2)
    (figure,) = diff["figures"]
    assert (figure["old"]["value"], figure["new"]["value"]) == (164, 225)
    assert any("225 people were killed" in s for s in diff["added"])
    status, _ = await get(f"{stand.base}/api/articles", params={"url": "http://x.test/a"})
    assert status == 404
    status, _ = await get(f"{stand.base}/api/articles")
    assert status == 400


async def test_feeds_and_hooks(stand: Stand) -> None:
    status, data = await get(f"{stand.base}/api/feeds")
    assert status == 200
    feeds = {f["title"]: f for f in data["feeds"]}
    assert set(feeds) == {"Steppe Wire", "World Digest"}
    for feed in feeds.values():
        assert feed["status"] == "ok" and feed["polls"] == 5 and feed["poll_errors"] == 0
        assert feed["next_poll"] and feed["next_poll"] > feed["last_poll"]
    status, hooks = await get(f"{stand.base}/api/hooks")
    (hook,) = hooks["hooks"]
    assert (hook["type"], hook["delivered"], hook["pending"], hook["dead"]) == ("jsonl", 6, 0, 0)
    assert hook["retrying"] is None


async def test_pages_escape_what_they_print(stand: Stand) -> None:
    host = stand.site.digest.base.removeprefix("http://")
    await stand.store.redis.hset(stand.store.keys.outlets, host, "<b>Digest</b><script>x</script>")
    for path in ("/", f"/stories/{STORY}", "/feeds", "/hooks"):
        status, page = await get(f"{stand.base}{path}")
        assert status == 200, path
        assert "<script>x" not in page and "<b>Digest" not in page
    _, story = await get(f"{stand.base}/stories/{STORY}")
    assert "&lt;b&gt;Digest&lt;/b&gt;" in story


async def test_metrics_parse_and_count_what_happened(stand: Stand) -> None:
    status, text = await get(f"{stand.base}/metrics")
    assert status == 200
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    assert samples[("newswatch_store_up", ())] == 1
    assert samples[("newswatch_events_total", (("type", "fact.revised"),))] == 2
    assert samples[("newswatch_events_total", (("type", "article.related"),))] == 2
    assert samples[("newswatch_articles_total", (("outcome", "related"),))] == 2
    assert samples[("newswatch_entries_total", (("outcome", "skipped"),))] == 1
    for url in stand.site.feeds:
        assert samples[("newswatch_feed_polls_total", (("feed", url),))] == 5
        assert samples[("newswatch_feed_poll_errors_total", (("feed", url),))] == 0
    jobs = sum(v for (name, _), v in samples.items() if name == "newswatch_jobs_total")
    assert jobs == 4
    assert samples[("newswatch_job_duration_seconds_count", ())] == jobs
    assert samples[("newswatch_job_duration_seconds_bucket", (("le", "+Inf"),))] == jobs
    assert samples[("newswatch_queue_depth", ())] == 0
    assert samples[("newswatch_revisits_pending", ())] == 3
    hook = stand.settings.hook_list()[0].name
    key = ("newswatch_deliveries_total", (("hook", hook), ("outcome", "delivered")))
    assert samples[key] == 6
    dead = ("newswatch_deliveries_total", (("hook", hook), ("outcome", "dead")))
    assert samples[dead] == 0
    # scraping again counts no event twice
    _, again = await get(f"{stand.base}/metrics")
    assert 'newswatch_events_total{type="fact.revised"} 2.0' in again


async def test_a_token_guards_everything_but_healthz(
    demo_site: DemoSite, redis_url: str, prefix: str, tmp_path: Path
) -> None:
    async with demo_stand(
        demo_site, redis_url, prefix, tmp_path, http={"token": "s3cret-token"}
    ) as stand:
        assert (await get(f"{stand.base}/healthz"))[0] == 200
        for path in ("/", "/api/stories", "/metrics", "/readyz"):
            assert (await get(f"{stand.base}{path}"))[0] == 401, path
        wrong = {"Authorization": "Bearer nope"}
        assert (await get(f"{stand.base}/api/stories", headers=wrong))[0] == 401
        right = {"Authorization": "Bearer s3cret-token"}
        assert (await get(f"{stand.base}/api/stories", headers=right))[0] == 200
        jar = aiohttp.CookieJar(unsafe=True)  # keep cookies from an IP address, as browsers do
        async with aiohttp.ClientSession(cookie_jar=jar) as browser:  # ?token= once, then cookie
            async with browser.get(f"{stand.base}/feeds?token=s3cret-token") as resp:
                assert resp.status == 200 and str(resp.url).endswith("/feeds")
            async with browser.get(f"{stand.base}/api/feeds") as resp:
                assert resp.status == 200


async def test_readyz_needs_heartbeats_and_fails_when_the_store_stops(
    demo_site: DemoSite, tmp_path: Path
) -> None:
    server = EmbeddedValkey(tmp_path / "private-store")
    url = server.acquire()
    try:
        async with demo_stand(demo_site, url, "nw:", tmp_path) as stand:
            status, body = await get(f"{stand.base}/readyz")
            assert status == 503 and body["checks"]["scheduler"] == "no fresh heartbeat"
            await stand.store.heartbeats.beat(["scheduler", "worker"], "test:1", time.time())
            status, body = await get(f"{stand.base}/readyz")
            assert status == 200 and body["ready"] is True, body
            server.release()  # the store goes away
            status, body = await get(f"{stand.base}/readyz")
            assert status == 503 and body["checks"]["store"].startswith("unreachable")
            assert (await get(f"{stand.base}/healthz"))[0] == 200  # the process is alive
            status, text = await get(f"{stand.base}/metrics")
            assert status == 200
            families = {f.name: f for f in text_string_to_metric_families(text)}
            assert families["newswatch_store_up"].samples[0].value == 0
            assert families["newswatch_store_errors"].samples[0].value >= 1
            status, page = await get(f"{stand.base}/stories/kazakhstan-unrest")
            assert status == 503 and "store is unavailable" in page
    finally:
        server.release()


async def test_a_stale_heartbeat_is_not_fresh(store: Store) -> None:
    now = time.time()
    await store.heartbeats.beat(["scheduler"], "old:1", now - FRESH_FOR - 1)
    await store.heartbeats.beat(["worker"], "new:2", now)
    assert await store.heartbeats.fresh(now) == {"worker": ["new:2"]}
    await store.heartbeats.stop(["worker"], "new:2")  # a clean stop removes its beat
    assert await store.heartbeats.fresh(now) == {}
