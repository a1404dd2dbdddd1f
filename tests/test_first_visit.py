"""A first visit builds its version once: the stored version, the tracked article and the
timeline's readings all carry the same fetch time (review #15)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from crawler.config import Settings
from crawler.runtime.roles import run_once
from crawler.store import Store, url_doc
from tests.newsroom import Newsroom
from tests.test_revisions_scenario import A_TITLE, A_V1, REPORT, scenario_settings


async def test_a_first_visit_has_one_fetch_time(
    post: Newsroom, make_settings: Callable[..., Settings], store: Store, tmp_path: Path
) -> None:
    settings = scenario_settings(make_settings, tmp_path, post, revisit=["1h"])
    url = post.publish(REPORT, A_TITLE, A_V1, "2022-01-09T08:00:00Z")
    await run_once(settings)
    doc = url_doc(url)
    version = await store.articles.version("story", doc, 1)
    tracked = await store.articles.get("story", doc)
    assert version is not None and tracked is not None
    assert datetime.fromisoformat(tracked.first_seen) == version.fetched_at
    keys = await store.timeline.fact_keys("story")
    assert {"killed|people", "arrested|people"} <= set(keys)
    readings = [r for k in keys for r in await store.timeline.entries("story", k) if r.doc == doc]
    assert {r.key for r in readings} == {"killed|people", "arrested|people"}
    assert all(r.seen_at == version.fetched_at for r in readings)
