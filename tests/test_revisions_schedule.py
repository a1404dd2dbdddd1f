"""Revisits: the story's schedule, sooner when the publisher signals a change.

The planner is pure (``next_revisit``); the scenarios run ``run --once`` steps against a local
site with a schedule that starts at ``"0s"`` so revisits are due without waiting.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from aiohttp import web

from crawler.config import Settings
from crawler.runtime.roles import run_once
from crawler.stages.article.revisits import next_revisit, stamps_moved
from crawler.store import Store
from tests.newsroom import Newsroom
from tests.test_revisions_scenario import A_TITLE, A_V1, A_V2, REPORT, Alerts, scenario_settings

HOUR = 3600.0
SCHEDULE = (600.0, HOUR, 6 * HOUR, 24 * HOUR)


@pytest.mark.parametrize(
    ("now", "outcome", "due"),
    [
        (600, "unchanged", HOUR),  # the next step of the schedule
        (600, "not-modified", HOUR),
        (600, "updated", 1200),  # a substantive change: the first offset from now
        (HOUR, "touched", HOUR + 600),  # dateModified / Last-Modified moved: sooner too
        (HOUR, "edited", HOUR + 600),
        (30_000, "unchanged", 24 * HOUR),  # missed steps are skipped
        (23.99 * HOUR, "reverted", 24 * HOUR),  # never later than the regular step
        (90_000, "unchanged", None),  # the schedule is over
        (90_000, "touched", None),  # ... and stamps alone cannot extend it
        (90_000, "updated", 90_600),  # ... but a live article stays on the short interval
    ],
)
def test_next_revisit(now: float, outcome: str, due: float | None) -> None:
    assert next_revisit(SCHEDULE, 0.0, now, outcome) == due


def test_no_schedule_no_revisit() -> None:
    assert next_revisit((), 0.0, 10.0, "updated") is None


def test_publisher_stamps_move_only_forward() -> None:
    seen = ("2022-01-09T08:00:00+00:00", "Sun, 09 Jan 2022 08:00:00 GMT")
    assert not stamps_moved(seen, seen)
    assert stamps_moved(("2022-01-09T09:00:00+00:00", seen[1]), seen)
    assert stamps_moved((seen[0], "Sun, 09 Jan 2022 09:00:00 GMT"), seen)
    assert not stamps_moved(("2022-01-09T07:00:00+00:00", "garbage"), seen)
    assert not stamps_moved(("2022-01-09T09:00:00+00:00", ""), ("", ""))


async def _pending(store: Store) -> dict[int, float]:
    """Pending revisits: number → due time."""
    raw = await store.redis.zrange(store.keys.revisits, 0, -1, withscores=True)
    return {json.loads(member)[2]: score for member, score in raw}


async def _first_seen(store: Store) -> float:
    docs = await store.articles.tracked_docs("story")
    tracked = await store.articles.get("story", docs[0])
    assert tracked is not None
    from datetime import datetime

    return datetime.fromisoformat(tracked.first_seen).timestamp()


def _settings(
    make_settings: Callable[..., Settings], tmp_path: Path, room: Newsroom, revisit: list[str]
) -> Settings:
    return scenario_settings(make_settings, tmp_path, room, revisit=revisit)


async def test_schedule_and_a_moved_date_modified(
    post: Newsroom, make_settings: Callable[..., Settings], store: Store, tmp_path: Path
) -> None:
    settings = _settings(make_settings, tmp_path, post, ["0s", "1h"])
    post.publish(REPORT, A_TITLE, A_V1, "2022-01-09T08:00:00Z")
    await run_once(settings)  # first visit: revisit 0 due at once
    assert list(await _pending(store)) == [0] and (await _pending(store))[0] <= time.time()
    first_seen = await _first_seen(store)

    # the publisher touches the page: same text, later dateModified / Last-Modified, no feed
    # signal. Revisit 0 sees it ("touched"): the next revisit is due at once, not in 1 h.
    post.publish(
        REPORT, A_TITLE, A_V1, "2022-01-09T08:00:00Z", "2022-01-09T09:30:00Z", signal=False
    )
    await run_once(settings)
    pending = await _pending(store)
    assert list(pending) == [1] and pending[1] <= time.time()
    assert post.site.hits[REPORT] == 2

    # nothing moves any more: revisit 1 falls back to the schedule (first seen + 1 h)
    await run_once(settings)
    pending = await _pending(store)
    assert list(pending) == [2] and abs(pending[2] - (first_seen + HOUR)) < 5
    assert post.site.hits[REPORT] == 3
    versions = await store.articles.versions(
        "story", (await store.articles.tracked_docs("story"))[0]
    )
    assert len(versions) == 1  # a touch is not a new version


async def test_revisits_continue_for_a_redirected_page_with_another_canonical(
    post: Newsroom, make_settings: Callable[..., Settings], store: Store, tmp_path: Path
) -> None:
    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound(post.url("/amp/report.html"))

    post.site.route("/r/1", redirect)
    settings = _settings(make_settings, tmp_path, post, ["0s", "1h"])
    post.publish(
        "/amp/report.html", A_TITLE, A_V1, "2022-01-09T08:00:00Z", link="/r/1", canonical=REPORT
    )
    await run_once(settings)
    await run_once(settings)  # revisit 0 of the page fetched at /amp/report.html
    assert post.site.hits["/amp/report.html"] == 2
    assert list(await _pending(store)) == [1]  # the schedule goes on


async def test_a_live_article_stays_on_the_short_interval(
    post: Newsroom, make_settings: Callable[..., Settings], store: Store, tmp_path: Path
) -> None:
    settings = _settings(make_settings, tmp_path, post, ["0s"])
    alerts = Alerts(tmp_path / "alerts.jsonl")
    post.publish(REPORT, A_TITLE, A_V1, "2022-01-09T08:00:00Z")
    await run_once(settings)
    assert [e["type"] for e in alerts.new()] == ["article.related"]

    # revised in place without a feed signal: the scheduled revisit finds it ...
    post.publish(
        REPORT, A_TITLE, A_V2, "2022-01-09T08:00:00Z", "2022-01-15T12:00:00Z", signal=False
    )
    await run_once(settings)
    assert sorted(e["type"] for e in alerts.new()) == ["article.updated", "fact.revised"]
    # ... and although the schedule ("0s") is over, a changed article is revisited again
    pending = await _pending(store)
    assert list(pending) == [1] and pending[1] <= time.time()

    # a later dateModified alone cannot keep it going once the schedule is over
    post.publish(
        REPORT, A_TITLE, A_V2, "2022-01-09T08:00:00Z", "2022-01-16T12:00:00Z", signal=False
    )
    await run_once(settings)
    assert await _pending(store) == {}
    assert alerts.new() == []
    assert post.site.hits[REPORT] == 3


async def test_a_feed_signal_that_finds_a_change_brings_the_next_revisit_forward(
    post: Newsroom, make_settings: Callable[..., Settings], store: Store, tmp_path: Path
) -> None:
    settings = _settings(make_settings, tmp_path, post, ["0s", "6h"])
    post.publish(REPORT, A_TITLE, A_V1, "2022-01-09T08:00:00Z")
    await run_once(settings)
    await run_once(settings)  # revisit 0: unchanged, revisit 1 in 6 h
    first_seen = await _first_seen(store)
    assert abs((await _pending(store))[1] - (first_seen + 6 * HOUR)) < 5

    # the feed entry's `updated` moves: fetched at once (a signal job) and found changed
    post.publish(REPORT, A_TITLE, A_V2, "2022-01-09T08:00:00Z", "2022-01-15T12:00:00Z")
    await run_once(settings)
    pending = await _pending(store)
    assert list(pending) == [1] and pending[1] <= time.time()  # pulled forward, same revisit
    assert post.site.hits[REPORT] == 3

    await run_once(settings)  # revisit 1 runs: unchanged, back on the schedule
    pending = await _pending(store)
    assert list(pending) == [2] and abs(pending[2] - (first_seen + 6 * HOUR)) < 5
    assert post.site.hits[REPORT] == 4
