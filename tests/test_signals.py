"""Feed signals (an entry's ``updated`` stamp moved) are rate-limited per entry and story.

A publisher whose feed restamps ``updated`` on every poll must not cost a fetch per poll: the
first signal is fetched at once; after one that found nothing, the next waits
``SIGNAL_EVERY`` — unless the article's version has moved since (the signals are finding real
changes: a live article is fetched on every signal). ``run --once`` steps against a local
newsroom; waiting ``SIGNAL_EVERY`` is done by moving the stored time of the last signal back
(the state lives in Redis), never by sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from crawler.config import Settings
from crawler.core.cadence import SIGNAL_EVERY, signal_due
from crawler.core.urls import canonical_url
from crawler.runtime.roles import run_once
from crawler.store import Store, doc_id, url_doc
from crawler.store.polls import SeenEntry, seen_field
from tests.newsroom import Newsroom
from tests.test_revisions_scenario import (
    A_TITLE,
    A_V1,
    A_V2,
    A_V3,
    REPORT,
    Alerts,
    scenario_settings,
)

PUBLISHED = "2022-01-09T08:00:00Z"


def test_signal_due() -> None:
    now = 10_000.0
    assert signal_due(0.0, "", "", now)  # the first signal: at once
    assert not signal_due(now - 60, "1", "1", now)  # the last one found nothing: wait
    assert signal_due(now - 60, "1", "2", now)  # the article changed since: at once
    assert signal_due(now - SIGNAL_EVERY, "1", "1", now)  # waited long enough


async def _age_last_signal(store: Store, url: str, seconds: float) -> None:
    field = seen_field("story", url_doc(url))
    raw = await store.redis.hget(store.keys.entries, field)
    assert raw is not None
    seen = SeenEntry.parse(raw)
    aged = replace(seen, signaled=seen.signaled - seconds)
    await store.redis.hset(store.keys.entries, field, aged.value())


async def test_a_feed_restamping_its_entries_costs_one_fetch_per_window(
    post: Newsroom, make_settings: Callable[..., Settings], store: Store, tmp_path: Path
) -> None:
    settings = scenario_settings(make_settings, tmp_path, post, revisit=["1h"])
    alerts = Alerts(tmp_path / "alerts.jsonl")
    url = post.publish(REPORT, A_TITLE, A_V1, PUBLISHED)
    assert url_doc(url) == doc_id(canonical_url(url))  # the worker's key for the link
    await run_once(settings)
    assert post.site.hits[REPORT] == 1 and [e["type"] for e in alerts.new()] == ["article.related"]

    # the feed restamps the entry on every poll; the page does not change
    post.publish(REPORT, A_TITLE, A_V1, PUBLISHED, "2022-01-10T08:00:00Z")
    await run_once(settings)
    assert post.site.hits[REPORT] == 2  # the first signal is fetched at once: nothing new
    for hour in ("09", "10", "11"):
        post.publish(REPORT, A_TITLE, A_V1, PUBLISHED, f"2022-01-10T{hour}:00:00Z")
        await run_once(settings)
    assert post.site.hits[REPORT] == 2  # held: no fetch per poll
    assert (await store.stats())["signals_held"] == 3

    # a real change within the window waits for it (or for the revisit schedule) ...
    post.publish(REPORT, A_TITLE, A_V2, PUBLISHED, "2022-01-10T12:00:00Z")
    await run_once(settings)
    assert post.site.hits[REPORT] == 2 and alerts.new() == []
    await _age_last_signal(store, url, SIGNAL_EVERY)  # ... which has passed now
    await run_once(settings)
    assert post.site.hits[REPORT] == 3
    assert "article.updated" in {e["type"] for e in alerts.new()}

    # that signal found a change: the next one is fetched at once, window or not
    post.publish(REPORT, A_TITLE, A_V3, PUBLISHED, "2022-01-10T12:30:00Z")
    await run_once(settings)
    assert post.site.hits[REPORT] == 4
    assert "article.updated" in {e["type"] for e in alerts.new()}
