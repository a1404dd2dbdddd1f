"""Webhook delivery against real local receivers: retries that end, dead letters, order, and
hooks that never wait for each other. Backoffs run on a step clock: no test waits for one."""

from __future__ import annotations

import asyncio
import json
import random
from pathlib import Path
from typing import Any

import pytest

from crawler.config import ConsoleHook
from crawler.stages.deliver import Hook
from crawler.stages.deliver.dispatcher import Dispatcher
from crawler.stages.deliver.retry import RetryPolicy
from crawler.store import Store
from tests.hookkit import HANG, Receiver, StepClock, free_port, jsonl, make_event, webhook


@pytest.fixture
async def receiver() -> Receiver:
    got = await Receiver().start()
    yield got  # type: ignore[misc]
    await got.stop()


async def _dispatcher(store: Store, *hooks: object, clock: StepClock | None = None) -> Dispatcher:
    dispatcher = Dispatcher(store, list(hooks), clock=clock or StepClock(), rand=lambda: 0.5)  # type: ignore[arg-type]
    await dispatcher.start()
    return dispatcher


async def test_500_three_times_then_200_backs_off_1_2_4_and_delivers_once(
    store: Store, receiver: Receiver
) -> None:
    receiver.answers = [500, 500, 500]
    clock = StepClock()
    dispatcher = await _dispatcher(store, webhook(receiver.url), clock=clock)
    await store.outbox.add([make_event(1), make_event(2)])
    report = await dispatcher.drain(patience=60)
    await dispatcher.close()
    assert [r.status for r in receiver.got] == [500, 500, 500, 200, 200]
    assert clock.slept == [1.0, 2.0, 4.0]  # rand 0.5: the jitter's middle
    assert receiver.accepted_ids() == ["article.related:1", "article.related:2"]
    assert report.delivered == 2 and report.pending == 0 and report.dead == 0
    state = await store.deliveries.state("w")
    assert state.delivered == 2 and state.failing_since is None and state.attempts == 0


def test_backoff_is_jittered_capped_and_floored_by_retry_after() -> None:
    policy = RetryPolicy(first_delay=1.0, max_delay=10.0, max_age=3600.0)
    assert policy.delay(1, rand=lambda: 0.0) == pytest.approx(0.8)
    assert policy.delay(1, rand=lambda: 1.0) == pytest.approx(1.2)
    assert policy.delay(3, rand=lambda: 0.5) == pytest.approx(4.0)
    assert policy.delay(30, rand=lambda: 0.5) == pytest.approx(10.0)
    assert policy.delay(1, retry_after=30.0, rand=lambda: 0.5) == 30.0
    spread = {round(policy.delay(2, rand=random.random), 3) for _ in range(20)}
    assert len(spread) > 10 and all(1.6 <= d <= 2.4 for d in spread)


async def test_a_hanging_receiver_times_out_and_the_event_is_sent_again(
    store: Store, receiver: Receiver
) -> None:
    receiver.answers = [HANG]
    clock = StepClock()
    dispatcher = await _dispatcher(store, webhook(receiver.url, timeout="0.3s"), clock=clock)
    await store.outbox.add([make_event(1)])
    first = await dispatcher.drain()
    assert first.delivered == 0 and first.pending == 1
    assert "no answer within 0.3s" in first.summary()
    clock.advance(2)
    second = await dispatcher.drain()
    await dispatcher.close()
    assert second.delivered == 1 and second.pending == 0
    assert [r.json["id"] for r in receiver.got] == ["article.related:1"] * 2
    assert receiver.got[0].headers["webhook-id"] == receiver.got[1].headers["webhook-id"]


async def test_a_receiver_down_then_up_gets_everything_in_order(store: Store) -> None:
    port = free_port()
    clock = StepClock()
    dispatcher = await _dispatcher(store, webhook(f"http://127.0.0.1:{port}/hook"), clock=clock)
    await store.outbox.add([make_event(n) for n in range(1, 4)])
    down = await dispatcher.drain()
    assert down.delivered == 0 and down.pending == 3
    assert f"cannot connect to 127.0.0.1:{port}" in down.summary()
    assert "ClientConnectorError" not in down.summary()
    state = await store.deliveries.state("w")
    assert state.attempts == 1 and state.head == "article.related:1"
    receiver = await Receiver().start(port)
    try:
        assert (await dispatcher.drain()).delivered == 0  # the backoff still holds
        clock.advance(1.5)
        up = await dispatcher.drain()
    finally:
        await dispatcher.close()
        await receiver.stop()
    assert up.delivered == 3
    assert receiver.accepted_ids() == [f"article.related:{n}" for n in range(1, 4)]


async def test_400_is_dead_lettered_at_once_and_the_next_event_goes_ahead(
    store: Store, receiver: Receiver
) -> None:
    receiver.answers = [400]
    dispatcher = await _dispatcher(store, webhook(receiver.url))
    await store.outbox.add([make_event(1), make_event(2)])
    report = await dispatcher.drain()
    await dispatcher.close()
    assert len(receiver.got) == 2  # no retry of the refused event
    assert receiver.accepted_ids() == ["article.related:2"]
    assert report.dead == 1 and report.delivered == 1 and report.pending == 0
    [letter] = await store.deliveries.dead_letters("w")
    assert letter.event["id"] == "article.related:1"
    assert letter.error == "answered 400 Bad Request" and letter.attempts == 1


async def test_429_with_retry_after_waits_as_long_as_asked(
    store: Store, receiver: Receiver
) -> None:
    receiver.answers = [(429, {"Retry-After": "30"})]
    clock = StepClock()
    dispatcher = await _dispatcher(store, webhook(receiver.url), clock=clock)
    await store.outbox.add([make_event(1)])
    report = await dispatcher.drain(patience=60)
    await dispatcher.close()
    assert clock.slept == [30.0]  # not the 1 s backoff
    assert [r.status for r in receiver.got] == [429, 200] and report.delivered == 1


async def test_a_hanging_hook_never_delays_another(store: Store, receiver: Receiver) -> None:
    hanging = Receiver()
    hanging.always = HANG
    await hanging.start()
    dispatcher = Dispatcher(
        store, [webhook(hanging.url, "slow", timeout="2s"), webhook(receiver.url, "fast")]
    )
    await dispatcher.start()
    stop = asyncio.Event()
    task = asyncio.create_task(dispatcher.run(stop))
    try:
        await store.outbox.add([make_event(n) for n in range(1, 6)])
        await receiver.wait_for(5, within=1.0)  # every event within a second
        await hanging.wait_for(1, accepted=False)
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        await dispatcher.close()
        await hanging.stop()
    assert receiver.accepted_ids() == [f"article.related:{n}" for n in range(1, 6)]
    assert hanging.accepted == []
    assert await store.outbox.backlog("slow") == 5  # nothing lost: all still queued


async def test_every_event_once_per_hook_in_order_across_failures_and_restarts(
    store: Store, tmp_path: Path
) -> None:
    flaky = await Receiver([503, 200, 200, 500, 503, 200, 200, 429]).start()
    steady = await Receiver([200, 200, 200, 502]).start()
    path = tmp_path / "alerts.jsonl"
    clock = StepClock()

    def hooks() -> list[object]:
        return [webhook(flaky.url, "flaky"), webhook(steady.url, "steady"), jsonl(path)]

    events = [make_event(n) for n in range(1, 21)]
    try:
        for batch in (events[:7], events[7:14], events[14:]):  # a new process per batch
            dispatcher = await _dispatcher(store, *hooks(), clock=clock)
            await store.outbox.add(batch)
            await dispatcher.drain()
            await dispatcher.close()
            clock.advance(3600)
        dispatcher = await _dispatcher(store, *hooks(), clock=clock)
        await dispatcher.drain(patience=600)
        await dispatcher.close()
    finally:
        await flaky.stop()
        await steady.stop()
    ids = [e.id for e in events]
    assert flaky.accepted_ids() == ids and steady.accepted_ids() == ids
    assert [json.loads(line)["id"] for line in path.read_text().splitlines()] == ids
    for name in ("flaky", "steady", "file"):
        assert await store.outbox.backlog(name) == 0
        assert (await store.deliveries.state(name)).delivered == 20


async def test_dead_letters_after_max_age_and_every_event_is_tried_first(
    store: Store, receiver: Receiver
) -> None:
    receiver.always = 503
    clock = StepClock()
    dispatcher = await _dispatcher(store, webhook(receiver.url, max_age="1h"), clock=clock)
    await store.outbox.add([make_event(1), make_event(2)])
    assert (await dispatcher.drain()).dead == 0
    clock.advance(1800)
    assert (await dispatcher.drain()).dead == 0  # half-way: still retried
    clock.advance(1801)
    report = await dispatcher.drain()
    await dispatcher.close()
    assert report.dead == 2 and report.pending == 0
    assert [r.json["id"] for r in receiver.got] == [
        "article.related:1",
        "article.related:1",
        "article.related:1",
        "article.related:2",  # tried once before it was given up
    ]
    letters = await store.deliveries.dead_letters("w")
    assert [d.event["id"] for d in letters] == ["article.related:1", "article.related:2"]
    assert letters[0].attempts == 3 and "503" in letters[0].error


async def test_a_long_stop_does_not_dead_letter_the_backlog_at_the_first_failure(
    store: Store, receiver: Receiver
) -> None:
    await store.outbox.ensure_group("w")
    await store.outbox.add([make_event(1)])
    clock = StepClock()
    clock.advance(3 * 86400)  # newswatch was stopped for three days
    receiver.answers = [503]
    dispatcher = await _dispatcher(store, webhook(receiver.url), clock=clock)
    await store.outbox.add([make_event(2)])
    dispatcher_report = await dispatcher.drain(patience=10)
    await dispatcher.close()
    assert dispatcher_report.dead == 0 and dispatcher_report.delivered == 2


class _BuggyHook(Hook):
    """A hook with a bug on one event (not a delivery failure)."""

    def __init__(self) -> None:
        super().__init__(ConsoleHook(type="console", name="buggy"))
        self.delivered: list[str] = []

    async def deliver(self, event: dict[str, Any]) -> str:
        if event["id"].endswith(":1"):
            raise KeyError("boom")
        self.delivered.append(event["id"])
        return "ok"


async def test_a_hook_bug_dead_letters_the_event_and_the_hook_goes_on(store: Store) -> None:
    hook = _BuggyHook()
    dispatcher = await _dispatcher(store, hook)
    await store.outbox.add([make_event(1), make_event(2)])
    report = await dispatcher.drain()
    await dispatcher.close()
    assert hook.delivered == ["article.related:2"] and report.dead == 1
    [letter] = await store.deliveries.dead_letters("buggy")
    assert letter.error == "hook error KeyError: 'boom'"
