"""Retention: what the store keeps stops growing (archives, generations, trimmed outbox).

The sweep takes the time as a parameter, so these tests move it days ahead instead of
waiting; everything else is the real store on the real server.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.config import Settings
from crawler.core.dedup import fingerprint
from crawler.core.events import feed_event
from crawler.errors import ConfigError
from crawler.runtime.retention import Retention
from crawler.runtime.roles import run_once
from crawler.store import Store, url_doc
from crawler.store.polls import seen_field
from tests.newsroom import Newsroom
from tests.test_revisions_scenario import A_TITLE, A_V1, REPORT, scenario_settings

DAY = 86400.0


def _settings(make_settings: Callable[..., Settings], tmp_path: Path, post: Newsroom) -> Settings:
    return scenario_settings(
        make_settings,
        tmp_path,
        post,
        revisit=["1h"],
        retention={"articles": "10d", "archive": "20d", "entries": "5d", "events": "5d"},
    )


async def test_an_untouched_article_is_archived_then_dropped(
    post: Newsroom, make_settings: Callable[..., Settings], store: Store, tmp_path: Path
) -> None:
    settings = _settings(make_settings, tmp_path, post)
    url = post.publish(REPORT, A_TITLE, A_V1, "2022-01-09T08:00:00Z")
    await run_once(settings)
    doc = url_doc(url)
    first_seen = time.time()
    retention = Retention(settings, store)
    late = first_seen + 3600 + 11 * DAY  # past the last revisit + 10 days

    assert (await retention.sweep(late)).archived == 0  # its revisit is still pending
    await store.schedule.done_revisits(await store.schedule.due_revisits(float("inf")))
    assert (await retention.sweep(first_seen + 9 * DAY)).archived == 0  # not untouched long enough
    assert (await retention.sweep(late)).archived == 1

    assert await store.articles.get("story", doc) is None
    assert await store.articles.versions("story", doc) == []
    assert await store.articles.tracked_docs("story") == []
    fp = fingerprint("\n".join(A_V1))
    assert await store.index.find_copy("story", fp, 0.3) is None  # left the copy index
    assert await store.redis.hget(store.keys.signatures("story"), doc) is None
    archived = await store.archive.get("story", doc)
    assert archived is not None and archived["article"]["url"] == url
    assert [h["number"] for h in archived["history"]] == [1]
    assert {f["kind"] for f in archived["history"][0]["facts"]} >= {"killed"}
    assert await store.articles.verdict("story", doc) == "related"  # never judged again ...
    assert (await run_once(settings)).delivered == 0  # ... nor alerted again

    assert (await retention.sweep(late + 21 * DAY)).dropped == 1
    assert await store.archive.get("story", doc) is None
    assert await store.articles.verdict("story", doc) is None


async def test_seen_entries_expire_by_generations_unless_seen_again(
    make_settings: Callable[..., Settings], store: Store, tmp_path: Path
) -> None:
    settings = make_settings(retention={"entries": "5d"})
    retention = Retention(settings, store)
    kept, gone = seen_field("story", "kept"), seen_field("story", "gone")
    await store.redis.hset(store.keys.entries, mapping={kept: "a", gone: "b"})
    now = time.time()
    await retention.sweep(now)  # the first generation starts
    await retention.sweep(now + 5 * DAY)  # rotated once: both still known
    assert [e is not None for e in await store.schedule.seen_entries([kept, gone])] == [True] * 2
    # reading carried both over; write "gone" off by hand to age it
    await store.redis.hdel(store.keys.entries, gone)
    await retention.sweep(now + 10 * DAY)  # rotated twice: "gone" was not seen since
    found = await store.schedule.seen_entries([kept, gone])
    assert found[0] is not None and found[0].stamp == "a"
    assert found[1] is None


async def test_unrelated_verdicts_expire_but_tracked_ones_stay(
    make_settings: Callable[..., Settings], store: Store
) -> None:
    settings = make_settings(retention={"entries": "5d"})
    async with store.transaction() as pipe:
        store.articles.queue_verdict(pipe, "story", "u", "unrelated", "hash")
        store.articles.queue_verdict(pipe, "story", "t", "related")
        await pipe.execute()
    retention, now = Retention(settings, store), time.time()
    for day in (0, 5, 10):
        await retention.sweep(now + day * DAY)
    assert await store.articles.verdict("story", "u") is None
    assert await store.articles.verdict("story", "t") == "related"


async def test_event_ids_are_remembered_for_a_generation_and_delivered_events_trimmed(
    make_settings: Callable[..., Settings], store: Store
) -> None:
    settings = make_settings(retention={"events": "5d"})
    await store.outbox.ensure_group("hook")
    event = feed_event("feed.failing", "story", "http://feed.example/rss", "boom", "e1")
    await store.outbox.add([event])
    await store.outbox.add([event])  # the same id: not added twice
    assert len(await store.outbox.all_events()) == 1
    retention, now = Retention(settings, store), time.time() + 1  # a second after the event
    await retention.sweep(now)
    assert len(await store.outbox.all_events()) == 1  # not delivered: kept
    delivered = await store.outbox.read("hook", "me")
    await store.outbox.ack("hook", [d.entry_id for d in delivered])
    await retention.sweep(now + 5 * DAY)  # delivered and old: trimmed; the id is remembered
    assert await store.outbox.all_events() == []
    await store.outbox.add([event])
    assert await store.outbox.all_events() == []
    await retention.sweep(now + 10 * DAY)  # two generations later the id is forgotten
    await store.outbox.add([event])
    assert len(await store.outbox.all_events()) == 1


def test_bad_policy_values_name_the_key(make_settings: Callable[..., Settings]) -> None:
    with pytest.raises(ConfigError, match=r"retention\.articles"):
        make_settings(retention={"articles": "0s"})
    with pytest.raises(ConfigError, match=r"scheduler\.max_queued_per_host"):
        make_settings(scheduler={"max_queued_per_host": 0})
