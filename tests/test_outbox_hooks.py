"""Outbox and hooks: every event delivered once per hook, in order, across restarts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.config import ConsoleHook, JsonlHook
from crawler.models import Event
from crawler.stages.deliver import build_hook, describe
from crawler.stages.deliver.dispatcher import Dispatcher
from crawler.stages.deliver.lane import CONSUMER
from crawler.store import Store
from crawler.store.outbox import decode


def _event(n: int, etype: str = "article.related") -> Event:
    return Event(
        id=f"{etype}:{n}",
        type=etype,
        story="s",
        at=datetime.now(UTC),
        body={
            "article": {
                "url": f"https://x/{n}",
                "canonical_url": f"https://x/{n}",
                "title": "t",
                "source": "x",
                "version": 1,
            },
            "relevance": 0.5,
            "shared_terms": ["a"],
        },
    )


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


async def test_adding_the_same_event_twice_keeps_one(store: Store) -> None:
    await store.outbox.add([_event(1), _event(2)])
    await store.outbox.add([_event(2), _event(1), _event(3)])
    assert [e["id"] for e in await store.outbox.all_events()] == [
        "article.related:1",
        "article.related:2",
        "article.related:3",
    ]


async def test_an_event_is_stored_compressed_and_read_as_it_was(store: Store) -> None:
    event = _event(1)
    await store.outbox.add([event])
    ((_, fields),) = await store.redis.xrange(store.keys.events)
    assert sorted(fields) == [b"type", b"z"] and fields[b"type"] == b"article.related"
    plain = json.dumps(event.to_json(), separators=(",", ":")).encode()
    assert len(fields[b"z"]) < 0.6 * len(plain)
    assert decode(fields) == event.to_json()
    assert await store.outbox.all_events() == [event.to_json()]
    assert await store.readouts.events_by_type() == {"article.related": 1}


async def test_an_event_stored_as_plain_json_before_still_reads(store: Store) -> None:
    """Entries written before events were compressed: one ``event`` field of JSON."""
    old, new = _event(1).to_json(), _event(2)
    await store.redis.xadd(store.keys.events, {"event": json.dumps(old)})
    await store.outbox.add([new])
    assert await store.outbox.all_events() == [old, new.to_json()]
    assert [e["id"] for e in await store.readouts.latest_events(old["story"], 5)] == [
        new.id,
        old["id"],
    ]
    assert await store.readouts.events_by_type() == {"article.related": 2}


async def test_jsonl_hook_gets_each_event_once_across_restarts(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "alerts.jsonl"
    config = JsonlHook(type="jsonl", path=path, name="file")
    first = Dispatcher(store, [build_hook(config, "ua")])
    await first.start()
    await store.outbox.add([_event(1), _event(2)])
    assert (await first.drain()).delivered == 2
    await first.close()
    # a crash after writing but before acknowledging: the event is still pending
    await store.outbox.add([_event(3)])
    pending = await store.outbox.read("file", CONSUMER)
    path.write_text(path.read_text() + json.dumps(pending[0].event) + "\n")
    second = Dispatcher(store, [build_hook(config, "ua")])
    await second.start()
    assert (await second.drain()).delivered == 1  # delivered again, written once
    await second.close()
    assert [e["id"] for e in _lines(path)] == [
        "article.related:1",
        "article.related:2",
        "article.related:3",
    ]
    assert await store.outbox.backlog("file") == 0


async def test_hook_filters_by_event_type(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "facts.jsonl"
    hook = build_hook(JsonlHook(type="jsonl", path=path, name="f", events=("fact.*",)), "ua")
    dispatcher = Dispatcher(store, [hook])
    await dispatcher.start()
    await store.outbox.add([_event(1), _event(2, "fact.revised")])
    await dispatcher.drain()
    await dispatcher.close()
    assert [e["type"] for e in _lines(path)] == ["fact.revised"]
    assert await store.outbox.backlog("f") == 0


def test_console_lines_are_readable() -> None:
    line = describe(_event(1).to_json())
    assert line.startswith("[article.related] s:") and "relevance 0.50" in line
    assert isinstance(build_hook(ConsoleHook(type="console", name="c"), "ua").name, str)


async def test_two_processes_writing_one_jsonl_file_write_each_event_once(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "alerts.jsonl"
    config = JsonlHook(type="jsonl", path=path, name="file")
    first, second = build_hook(config, "ua"), build_hook(config, "ua")
    await first.start()
    await second.start()  # both started before anything was written
    events = [_event(n).to_json() for n in range(1, 4)]
    await first.deliver(events[0])
    await first.deliver(events[1])
    # the second process took over events the first had already written (a slow consumer's
    # pending events claimed after the idle time): nothing is written twice
    await second.deliver(events[1])
    await second.deliver(events[2])
    await first.deliver(events[2])
    await first.close()
    await second.close()
    assert [e["id"] for e in _lines(path)] == [e["id"] for e in events]


async def test_jsonl_keeps_lines_whole_after_a_torn_write(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    path.write_text(json.dumps(_event(1).to_json()) + "\n" + '{"id": "article.rel')  # crash
    hook = build_hook(JsonlHook(type="jsonl", path=path, name="file"), "ua")
    await hook.start()
    await hook.deliver(_event(1).to_json())  # already there: not repeated
    await hook.deliver(_event(2).to_json())
    await hook.close()
    lines = path.read_text().splitlines()
    assert json.loads(lines[0])["id"] == "article.related:1"
    assert lines[1] == '{"id": "article.rel'
    assert json.loads(lines[2])["id"] == "article.related:2"
    assert len(lines) == 3


def test_console_lines_tolerate_missing_members_and_new_fact_types() -> None:
    assert describe({"id": "x", "type": "article.related", "story": "s"}).startswith(
        "[article.related] s:"
    )
    diverged = {
        "type": "fact.diverged",
        "story": "s",
        "fact": {
            "kind": "killed",
            "subject": "people",
            "old": {"value": 164},
            "new": {"value": 225},
        },
        "scope": "story",
    }
    assert describe(diverged) == "[fact.diverged] s: killed (people): 164 → 225 [story]"
