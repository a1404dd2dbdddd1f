"""Nothing is judged for good by a bad moment (review #5).

* A first visit that keeps failing (retryable) is kept in the story's retry-later set and
  enqueued again in later rounds, hours apart, by the scheduler's tick.
* A page judged unrelated is judged again when the publisher signals a change (its feed entry's
  ``updated`` moved) and its words changed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from aiohttp import web

from crawler.config import Settings
from crawler.runtime import open_runtime
from crawler.runtime.roles import once, run_once
from crawler.stages.article.revisits import RETRY_LATER, RevisitPlanner, release_retries
from crawler.store import Store, url_doc
from crawler.store.articles import RetryLater
from tests.conftest import LocalSite
from tests.newsroom import Newsroom
from tests.test_revisions_scenario import A_TITLE, A_V1, REPORT, Alerts, scenario_settings

GONE = "/2022/01/09/removed.html"


async def test_a_first_visit_that_keeps_failing_is_tried_again_later(
    post: Newsroom, make_settings: Callable[..., Settings], store: Store, tmp_path: Path
) -> None:
    settings = scenario_settings(make_settings, tmp_path, post, revisit=["1h"])
    assert settings.worker.max_tries == 2
    alerts = Alerts(tmp_path / "alerts.jsonl")
    url = post.publish(REPORT, A_TITLE, A_V1, "2022-01-09T08:00:00Z")
    post.publish(GONE, A_TITLE + " (update)", A_V1, "2022-01-09T09:00:00Z")
    page = post.site.handlers[REPORT]
    up = False

    async def flaky(request: web.Request) -> web.StreamResponse:
        return await page(request) if up else web.Response(status=503)

    async def gone(request: web.Request) -> web.StreamResponse:
        return web.Response(status=404)

    post.site.route(REPORT, flaky)
    post.site.route(GONE, gone)

    await run_once(settings)  # two attempts, then kept for later; a 404 is final
    assert post.site.hits[REPORT] == 2 and post.site.hits[GONE] == 1
    pending = await store.articles.pending_retries("story")
    assert list(pending) == [url]
    assert abs(pending[url] - (time.time() + RETRY_LATER[0])) < 60
    assert (await store.stats())["jobs_retry_later"] == 1

    up = True
    await run_once(settings)  # the entry is seen: polling alone never fetches it again
    assert post.site.hits[REPORT] == 2 and alerts.new() == []

    # the scheduler's tick an hour later releases it (newswatch's own schedule, not arq's)
    async with open_runtime(settings) as runtime:
        store_, queue = runtime.store, runtime.queue
        assert await release_retries(store_, queue, ["story"], time.time() + 10) == 0
        assert await release_retries(store_, queue, ["story"], pending[url] + 1) == 1
        await once(runtime)
    assert post.site.hits[REPORT] == 3
    assert [(e["type"], e["article"]["url"]) for e in alerts.new()] == [("article.related", url)]
    assert await store.articles.pending_retries("story") == {}


async def test_retry_rounds_grow_then_end(store: Store) -> None:
    planner = RevisitPlanner(store)
    url = "https://news.example/a"
    before = time.time()
    dues = [await planner.retry_later("s", url, rounds) for rounds in range(len(RETRY_LATER) + 1)]
    assert dues[-1] is None  # every round used: given up
    waits = [due - before for due in dues[:-1] if due is not None]
    assert [round(w / 3600) for w in waits] == [1, 6, 24]
    due = await store.articles.due_retries("s", before + 25 * 3600)
    assert due == [RetryLater(url, 1), RetryLater(url, 2), RetryLater(url, 3)]


async def test_the_retry_later_set_keeps_the_newest(store: Store) -> None:
    async with store.transaction() as pipe:
        for i in range(5):
            retry = RetryLater(f"https://news.example/{i}", 1)
            store.articles.queue_retry_later(pipe, "s", retry, 1000.0 + i, cap=3)
        await pipe.execute()
    pending = await store.articles.pending_retries("s")
    assert sorted(pending) == [f"https://news.example/{i}" for i in (2, 3, 4)]
    due = await store.articles.due_retries("s", 1003.0)
    await store.articles.done_retries("s", due)
    assert list(await store.articles.pending_retries("s")) == ["https://news.example/4"]


SHORT_TITLE = "Almaty airport suspends flights"
SHORT = [
    "Air Astana said on Wednesday that flights to and from Almaty airport were suspended until "
    "further notice and asked passengers to check the airline's website for refunds."
]


async def test_a_signal_has_an_unrelated_page_judged_again_when_its_words_changed(
    post: Newsroom, make_settings: Callable[..., Settings], store: Store, tmp_path: Path
) -> None:
    # signals right after a no-change signal are held for [scheduler] signal_interval (see
    # test_signals.py); this test is about re-judging, so the two signals are not rate-limited
    settings = scenario_settings(
        make_settings, tmp_path, post, revisit=["1h"], scheduler={"signal_interval": "0s"}
    )
    alerts = Alerts(tmp_path / "alerts.jsonl")
    url = post.publish(REPORT, SHORT_TITLE, SHORT, "2022-01-05T08:00:00Z")
    await run_once(settings)
    assert alerts.new() == []
    doc = url_doc(url)
    verdict, judged = await store.articles.judgement("story", doc)
    assert verdict == "unrelated" and judged

    # the feed entry's `updated` moves but the words do not: fetched, not judged again
    post.publish(REPORT, SHORT_TITLE, SHORT, "2022-01-05T08:00:00Z", "2022-01-05T09:00:00Z")
    await run_once(settings)
    assert alerts.new() == [] and post.site.hits[REPORT] == 2
    assert (await store.stats())["jobs_already_judged"] == 1

    # the breaking item grows into the story: judged again, now related
    post.publish(REPORT, A_TITLE, A_V1, "2022-01-05T08:00:00Z", "2022-01-09T08:00:00Z")
    await run_once(settings)
    assert [(e["type"], e["article"]["url"]) for e in alerts.new()] == [("article.related", url)]
    assert await store.articles.verdict("story", doc) == "related"


async def test_the_rounds_are_a_parameter(store: Store) -> None:
    planner = RevisitPlanner(store, retry_later=(60.0,))
    due = await planner.retry_later("s", "https://news.example/a", 0)
    assert due is not None and abs(due - time.time() - 60) < 5
    assert await planner.retry_later("s", "https://news.example/a", 1) is None
    assert await RevisitPlanner(store, retry_later=()).retry_later("s", "https://a/b", 0) is None


async def test_run_once_retries_quickly_and_keeps_what_still_fails(
    site: LocalSite, make_settings: Callable[..., Settings], store: Store, tmp_path: Path
) -> None:
    async def busy(request: web.Request) -> web.Response:
        return web.Response(status=503)

    url = site.route("/busy.html", busy)
    site.text(
        "/feed.xml",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>Kazakhstan: Tokayev says order restored</title><link>{url}</link>"
        "</item></channel></rss>",
        content_type="application/rss+xml",
    )
    settings = make_settings(
        feed=[{"url": site.url("/feed.xml")}],
        worker={"retry_delay": "1h", "max_tries": 2},  # a daemon would wait an hour
    )
    # a burst worker waits for deferred retries: --once caps them, so it ends promptly
    summary = await asyncio.wait_for(run_once(settings), 60)
    assert summary.jobs == 1
    assert site.hits["/busy.html"] == 2  # retried once within the run
    assert len(await store.articles.pending_retries("story")) == 1  # kept for a later run
