"""Pages are analysed off the event loop, and pathological pages are refused (review #4).

Without timing anything: the pipeline logs each page's analysis from the thread that ran it,
and that thread is not the one running the event loop (the test's own thread).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.config import Settings
from crawler.runtime.roles import run_once
from crawler.store import Store
from tests.newsroom import Newsroom
from tests.test_revisions_scenario import A_TITLE, A_V1, REPORT, Alerts, scenario_settings

# ~1 MB of legal page furniture: many related-link blocks after the story
FURNITURE = [
    f'<div class="related"><h3>More</h3><ul><li><a href="/r/{i}">Story {i}</a></li>'
    f'<li><a href="/s/{i}">Another story {i}</a></li></ul><img src="/i/{i}.png"></div>'
    for i in range(7_000)
]
DEEP = ["<div>" * 20_000 + "<p>An unrelated box.</p>" + "</div>" * 20_000]
DEEP_PATH = "/2022/01/10/kazakhstan-deep.html"


async def test_pages_are_analysed_in_a_worker_thread_and_deep_pages_refused(
    post: Newsroom,
    make_settings: Callable[..., Settings],
    store: Store,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = scenario_settings(make_settings, tmp_path, post, revisit=["1h"])
    alerts = Alerts(tmp_path / "alerts.jsonl")
    big = post.publish(REPORT, A_TITLE, A_V1, "2022-01-09T08:00:00Z", furniture=FURNITURE)
    deep = post.publish(
        DEEP_PATH, A_TITLE + " (live)", A_V1, "2022-01-10T08:00:00Z", furniture=DEEP
    )
    assert len(post.render(REPORT, post.pages[REPORT])) > 1_000_000

    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="crawler.stages.article.pipeline")
    await run_once(settings)

    analysed = [r for r in caplog.records if r.getMessage().startswith(f"analysed {big} ")]
    assert len(analysed) == 1
    assert analysed[0].thread != threading.get_ident()  # not the event loop's thread
    events = alerts.new()
    assert [(e["type"], e["article"]["url"]) for e in events] == [("article.related", big)]
    assert "Story 17" not in (await _text(store, events[0]["article"]["canonical_url"]))

    # the deep page was refused before parsing: counted, not judged, not tracked
    stats = await store.stats()
    assert stats.get("jobs_not_an_article") == 1 and post.site.hits[DEEP_PATH] == 1
    refused = [r for r in caplog.records if "too costly to parse" in r.getMessage()]
    assert len(refused) == 1 and deep in refused[0].getMessage()
    assert len(await store.articles.tracked_docs("story")) == 1


async def _text(store: Store, canonical: str) -> str:
    from crawler.store import doc_id

    version = await store.articles.version("story", doc_id(canonical), 1)
    assert version is not None
    return version.text
