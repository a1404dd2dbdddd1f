"""The apprise hook, offline: Apprise's own json:// and form:// services posting to a local
receiver; the message people read; per-service retries; digests on a step clock."""

from __future__ import annotations

from typing import Any

import pytest

from crawler.config import AppriseHook, settings_from_mapping
from crawler.errors import ConfigError
from crawler.models import Event
from crawler.stages.deliver import build_hook
from crawler.stages.deliver.dispatcher import Dispatcher
from crawler.stages.deliver.sample import sample_event
from crawler.store import Store
from tests.hookkit import Receiver, StepClock, fact_event, make_event


def _apprise(*urls: str, **options: Any) -> AppriseHook:
    return AppriseHook(type="apprise", name="chat", urls=urls, **options)  # type: ignore[arg-type]


def _url(scheme: str, receiver: Receiver) -> str:
    return f"{scheme}://127.0.0.1:{receiver.port}{receiver.path}"


async def _deliver(
    store: Store, config: AppriseHook, events: list[Event], clock: StepClock
) -> Dispatcher:
    dispatcher = Dispatcher(store, [build_hook(config, "ua")], clock=clock, rand=lambda: 0.5)
    await dispatcher.start()
    await store.outbox.add(events)
    return dispatcher


def _contract_event() -> Event:
    data = sample_event()
    body = {k: v for k, v in data.items() if k not in ("id", "type", "story", "at")}
    return Event("fact.revised:contract", "fact.revised", "unrest", make_event(0).at, body)


async def test_json_message_title_and_body_for_a_revised_death_toll(store: Store) -> None:
    receiver = await Receiver().start()
    clock = StepClock()
    dispatcher = await _deliver(store, _apprise(_url("json", receiver)), [_contract_event()], clock)
    report = await dispatcher.drain()
    await dispatcher.close()
    await receiver.stop()
    assert report.delivered == 1
    [got] = receiver.got
    payload = got.json
    assert payload["title"] == "Death toll revised: 164 → 225 (+37 %)"
    body = payload["message"]
    assert body.splitlines() == [
        "unrest · Example Daily, version 2, according to the health ministry",
        "Now: “The health ministry said 225 people had been killed.”",
        "Before (Example Wire): “At least 164 people were killed in the clashes, officials said.”",
        "https://news.example/world/clashes-toll-rises",
    ]


async def test_form_message_for_an_event_written_before_the_new_members(store: Store) -> None:
    receiver = await Receiver().start()
    old_style = fact_event(1, 18, 20, subject="security forces")  # no direction/change/scope
    dispatcher = await _deliver(store, _apprise(_url("form", receiver)), [old_style], StepClock())
    await dispatcher.drain()
    await dispatcher.close()
    await receiver.stop()
    [got] = receiver.got
    assert got.content_type == "application/x-www-form-urlencoded"
    assert got.form["title"] == "Death toll (security forces) revised: 18 → 20 (+11 %)"
    assert (
        "Before (earlier version): “At least 18 security forces were killed.”"
        in got.form["message"]
    )


async def test_updated_lists_a_few_shortened_sentences_and_related_is_one_line(
    store: Store,
) -> None:
    receiver = await Receiver().start()
    added = [f"Sentence number {n} added to the report. " + "word " * 60 for n in range(5)]
    updated = make_event(1, "article.updated", previous_version=1, added=added, removed=["Old."])
    events = [make_event(2), updated]
    dispatcher = await _deliver(store, _apprise(_url("json", receiver)), events, StepClock())
    await dispatcher.drain()
    await dispatcher.close()
    await receiver.stop()
    related, update = (r.json for r in receiver.got)
    assert related["title"] == "Related: Report 2"
    assert related["message"] == "Example Wire: Report 2 (relevance 0.50) https://news.example/2"
    lines = update["message"].splitlines()
    assert update["title"] == "Updated: Report 1"
    assert lines[0] == "s · Example Wire, version 1 → 1" and lines[1] == "Added:"
    assert [line[:19] for line in lines[2:5]] == [
        "+ Sentence number 0",
        "+ Sentence number 1",
        "+ Sentence number 2",
    ]
    assert all(len(line) <= 162 and line.endswith("…") for line in lines[2:5])
    assert lines[5:] == ["  (and 2 more)", "Removed:", "- Old.", "https://news.example/1"]


async def test_a_failing_service_is_retried_alone(store: Store) -> None:
    good, bad = await Receiver().start(), await Receiver([500]).start()
    clock = StepClock()
    config = _apprise(_url("json", good), _url("json", bad))
    dispatcher = await _deliver(store, config, [make_event(1)], clock)
    first = await dispatcher.drain()
    assert first.delivered == 0 and first.pending == 1 and "json:// " in first.summary()
    clock.advance(5)
    second = await dispatcher.drain()
    await dispatcher.close()
    await good.stop()
    await bad.stop()
    assert second.delivered == 1
    assert len(good.got) == 1 and [r.status for r in bad.got] == [500, 200]


async def test_templates_from_config_replace_the_defaults(store: Store) -> None:
    receiver = await Receiver().start()
    config = _apprise(
        _url("json", receiver),
        templates={"article.related": {"title": "NEW {source}: {title:.4}", "body": "{url}"}},
    )
    dispatcher = await _deliver(store, config, [make_event(1)], StepClock())
    await dispatcher.drain()
    await dispatcher.close()
    await receiver.stop()
    assert receiver.got[0].json["title"] == "NEW Example Wire: Repo"
    assert receiver.got[0].json["message"] == "https://news.example/1"


def test_an_unknown_placeholder_is_a_config_error_naming_the_hook() -> None:
    config = _apprise("json://127.0.0.1:1/x", templates={"fact.revised": {"title": "{toll}"}})
    with pytest.raises(
        ConfigError,
        match=r"hook 'chat': templates.fact.revised.title: unknown placeholder \{toll\}",
    ):
        build_hook(config, "ua")


async def test_digest_sends_one_message_per_window_and_survives_a_restart(store: Store) -> None:
    receiver = await Receiver().start()
    clock = StepClock()
    config = _apprise(_url("json", receiver), digest="15m")
    dispatcher = await _deliver(store, config, [make_event(1), fact_event(2, 164, 225)], clock)
    waiting = await dispatcher.drain()
    assert (
        waiting.delivered == 0 and waiting.pending == 2 and "digest due in 15m" in waiting.summary()
    )
    await dispatcher.close()
    clock.advance(600)
    restarted = await _deliver(store, config, [make_event(3)], clock)  # a new process
    assert (await restarted.drain()).delivered == 0
    clock.advance(301)
    sent = await restarted.drain()
    await restarted.close()
    await receiver.stop()
    assert sent.delivered == 3 and sent.pending == 0
    [message] = [r.json for r in receiver.got]
    assert message["title"] == "3 updates on s in 15m"
    assert message["message"].splitlines() == [
        "• Related: Report 1",
        "• Death toll revised: 164 → 225 (+37 %)",
        "• Related: Report 3",
    ]


@pytest.mark.parametrize(
    ("urls", "says"),
    [
        (["slak://token"], "urls[0] (scheme slak://): apprise cannot parse this URL"),
        (["json://127.0.0.1/x", "no-scheme"], "urls[1] (scheme (no scheme)://)"),
        ([], "needs urls (a list) or urls_env"),
    ],
)
def test_an_apprise_url_apprise_cannot_parse_is_a_config_error(urls: list[str], says: str) -> None:
    data = {"story": [{"id": "s", "seed": "seed.txt"}], "hook": [{"type": "apprise", "urls": urls}]}
    with pytest.raises(ConfigError) as caught:
        settings_from_mapping(data)
    assert "hook[0].urls" in str(caught.value) and says in str(caught.value)
    assert "token" not in str(caught.value)


def test_apprise_urls_from_the_environment_and_a_name_without_secrets() -> None:
    hook = {"type": "apprise", "urls_env": "NW_TEST_APPRISE", "digest": "15m"}
    data = {"story": [{"id": "s", "seed": "seed.txt"}], "hook": [hook]}
    env = {"NW_TEST_APPRISE": "json://127.0.0.1:1/a, tgram://123456789:abcdefg_hijklmnop/12315544/"}
    [config] = settings_from_mapping(data, env=env).hook_list()
    assert isinstance(config, AppriseHook) and config.schemes == ["json", "tgram"]
    assert config.name == "apprise:$NW_TEST_APPRISE" and "abcdefg" not in repr(config)
    named = {"type": "apprise", "urls": ["tgram://123456789:abcdefg_hijklmnop/12315544/"]}
    [plain] = settings_from_mapping({**data, "hook": [named]}).hook_list()
    assert plain.name == "apprise:tgram"


def test_a_numeric_format_spec_is_refused_at_start_not_at_the_first_event() -> None:
    config = _apprise(
        "json://127.0.0.1:1/x", templates={"article.related": {"body": "{relevance:.2f}"}}
    )
    with pytest.raises(ConfigError, match=r"templates.article.related.body: .*values are text"):
        build_hook(config, "ua")
