"""Per-hook rules: which events a hook wants — pure checks, then through a real dispatcher."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crawler.config import JsonlHook, settings_from_mapping
from crawler.errors import ConfigError
from crawler.stages.deliver.dispatcher import Dispatcher
from crawler.stages.deliver.rules import Rules, fact_change
from crawler.store import Store
from tests.hookkit import fact_event, jsonl, make_event


def _new_style(n: int, old: float, new: float, **fact: Any) -> dict[str, Any]:
    """A fact.revised with the members issue 9 adds (direction, change, scope, role)."""
    change = {"absolute": new - old, "relative": (new - old) / old if old else None}
    base = {"scope": {}, "role": "total", "attribution": "", **fact}
    return fact_event(
        n, old, new, direction="up" if new > old else "down", change=change, fact=base
    ).to_json()


def _rules(**keys: Any) -> Rules:
    return Rules.of(JsonlHook(type="jsonl", path=Path("x"), name="x", **keys))


def test_kinds_subjects_and_direction() -> None:
    rules = _rules(kinds=("killed", "injured"), subjects=("people",), direction="up")
    assert rules.accepts(_new_style(1, 164, 225))
    assert not rules.accepts(_new_style(2, 225, 164))  # down
    assert not rules.accepts(fact_event(3, 10, 12, kind="arrested").to_json())
    assert not rules.accepts(fact_event(4, 10, 12, subject="children").to_json())
    assert rules.accepts(make_event(5).to_json())  # fact rules leave other events alone


def test_minimum_absolute_and_relative_change() -> None:
    rules = _rules(min_change=10, min_change_percent=10)
    assert rules.accepts(_new_style(1, 164, 225))  # +61, +37 %
    assert not rules.accepts(_new_style(2, 164, 170))  # +6
    assert not rules.accepts(_new_style(3, 1000, 1050))  # +50 but +5 %
    assert rules.accepts(_new_style(4, 100, 110))  # exactly +10 and +10 %
    assert rules.accepts(_new_style(5, 0, 12))  # from zero: any percentage
    assert rules.accepts(_new_style(6, 225, 164))  # a fall counts by its size


def test_overall_figure_and_scope_keys() -> None:
    overall = _rules(fact_scopes=("overall",))
    assert overall.accepts(_new_style(1, 164, 225))
    assert overall.accepts(fact_event(2, 1, 2).to_json())  # older events: no scope = overall
    assert not overall.accepts(_new_style(3, 10, 20, scope={"place": "Almaty"}))
    assert not overall.accepts(_new_style(4, 10, 20, role="partial"))
    places = _rules(fact_scopes=("place",))
    assert places.accepts(_new_style(5, 10, 20, scope={"place": "Almaty"}))
    assert not places.accepts(_new_style(6, 164, 225))


def test_event_scope_story_types_and_min_relevance() -> None:
    assert _rules(scope="story").accepts(fact_event(1, 1, 2, scope="story").to_json())
    assert not _rules(scope="story").accepts(fact_event(2, 1, 2).to_json())  # article
    assert _rules(events=("fact.*",)).accepts(fact_event(3, 1, 2).to_json())
    assert not _rules(events=("fact.*",)).accepts(make_event(4).to_json())
    assert _rules(events=("*",), stories=("s",)).accepts(make_event(5).to_json())
    assert not _rules(stories=("other",)).accepts(make_event(6).to_json())
    assert not _rules(min_relevance=0.6).accepts(make_event(7).to_json())  # 0.5
    assert _rules(min_relevance=0.6).accepts(fact_event(8, 1, 2).to_json())  # no relevance


def test_old_events_get_direction_and_change_from_their_values() -> None:
    change = fact_change(fact_event(1, 164, 225).to_json())
    assert change.direction == "up" and change.absolute == 61
    assert change.relative == pytest.approx(0.372, abs=1e-3)
    assert fact_change({"type": "fact.revised"}).direction == ""  # nothing to go on: no crash


async def test_a_hook_gets_only_what_its_rules_accept(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "big-rises.jsonl"
    hook = jsonl(path, "rises", kinds=("killed",), min_change_percent=10, direction="up")
    dispatcher = Dispatcher(store, [hook])
    await dispatcher.start()
    events = [fact_event(1, 164, 225), fact_event(2, 225, 230), make_event(3)]
    events.append(fact_event(4, 10, 20, kind="injured"))
    await store.outbox.add(events)
    report = await dispatcher.drain()
    await dispatcher.close()
    written = [json.loads(line)["id"] for line in path.read_text().splitlines()]
    assert written == ["fact.revised:1", "article.related:3"]
    assert report.delivered == 2 and report.pending == 0
    assert (await store.deliveries.state("rises")).filtered == 2


@pytest.mark.parametrize(
    ("hook", "says"),
    [
        ({"events": ["fact.revise"]}, "hook[0].events: unknown event type 'fact.revise'"),
        ({"kinds": ["Killed"]}, "hook[0].kinds: kind 'Killed'"),
        ({"direction": "sideways"}, "hook[0].direction"),
        ({"min_change_percent": -5}, "hook[0].min_change_percent"),
        ({"max_age": "0s"}, "hook[0].max_age"),
        ({"retry_delay": "1h", "max_retry_delay": "1m"}, "retry_delay must not exceed"),
    ],
)
def test_bad_rule_keys_are_config_errors_naming_the_key(hook: dict[str, Any], says: str) -> None:
    data = {"story": [{"id": "s", "seed": "x"}], "hook": [{"type": "console", **hook}]}
    with pytest.raises(ConfigError, match=says.replace("[", r"\[").replace("]", r"\]")):
        settings_from_mapping(data)
