"""A tracked copy of the seed, found in a feed, is a report like any; revised, it moves the story.

The seed rule ("never the standing figure, never a revision") holds for the seed itself (the
user's input, with no reliable time); a copy of it that a feed publishes has a publication
time and is judged like every report — repeating a lower figure, it changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from crawler.cli import facts as facts_cli
from crawler.config import Settings
from crawler.core.seed import parse_seed_text
from crawler.runtime.roles import run_once
from crawler.store import Store
from tests.conftest import SEED_FILE
from tests.newsroom import Newsroom
from tests.test_revisions_scenario import (
    A_TITLE,
    A_V1,
    B_TITLE,
    B_V1,
    REPORT,
    Alerts,
    scenario_settings,
)

SEED = parse_seed_text(SEED_FILE.read_text())
SEED_LINES = SEED.body.splitlines()
SEED_160 = "more than 160 people were killed"
COPY = "/world/kazakh-president-order-restored"


@pytest.fixture
async def rooms() -> AsyncIterator[list[Newsroom]]:
    started = [Newsroom(n) for n in ("Steppe Post", "World Digest", "Caspian Herald")]
    for room in started:
        await room.start()
    yield started
    for room in reversed(started):
        await room.close()


def _types(events: list[dict[str, object]]) -> list[str]:
    return sorted(str(e["type"]) for e in events)


async def test_a_revised_copy_of_the_seed_moves_the_story(
    rooms: list[Newsroom],
    make_settings: Callable[..., Settings],
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    post, digest, herald = rooms
    settings = scenario_settings(make_settings, tmp_path, *rooms, revisit=["1h"])
    alerts = Alerts(tmp_path / "alerts.jsonl")
    assert sum(SEED_160 in line for line in SEED_LINES) == 1

    # an independent report: the story's current value is 164
    post.publish(REPORT, A_TITLE, A_V1, "2022-01-09T08:00:00Z")
    await run_once(settings)
    assert _types(alerts.new()) == ["article.related"]

    # an aggregator republishes the seed's text: a copy of the seed; its 160 is lower, so the
    # story's figure stays
    digest.publish(COPY, SEED.title, SEED_LINES, "2022-01-10T12:00:00Z")
    await run_once(settings)
    step = alerts.new()
    assert _types(step) == ["article.duplicate"] and step[0]["duplicate_of"] == "seed"
    assert (await _current(store)) == (164, post.source)

    # the copy is revised in place, 160 -> 225: its article-scope revision is the one alert,
    # and the story's current value moves to it
    revised = [line.replace(SEED_160, "225 people were killed") for line in SEED_LINES]
    digest.publish(COPY, SEED.title, revised, "2022-01-10T12:00:00Z", "2022-01-15T12:00:00Z")
    await run_once(settings)
    step = alerts.new()
    assert _types(step) == ["article.updated", "fact.revised"]
    fact = next(e for e in step if e["type"] == "fact.revised")
    assert fact["scope"] == "article" and fact["article"]["version"] == 2
    assert (fact["fact"]["old"]["value"], fact["fact"]["new"]["value"]) == (160, 225)
    assert (await _current(store)) == (225, digest.source)

    # a third source then reports 225: it confirms the current value, no story revision
    herald_text = [B_V1[0].replace("227 people", "225 people"), *B_V1[1:]]
    herald_title = B_TITLE.replace("227", "225")
    herald.publish("/news/kazakh-toll", herald_title, herald_text, "2022-01-16T10:00:00Z")
    await run_once(settings)
    assert _types(alerts.new()) == ["article.related"]
    assert (await _current(store)) == (225, digest.source)

    await facts_cli.timeline(settings, "story", True)
    data = json.loads(capsys.readouterr().out)
    people = next(f for f in data["facts"] if f["key"] == "killed|people")
    assert [(e["value"], e["source"], e["version"], e["effect"]) for e in people["timeline"]] == [
        (160, "seed", 1, "seed"),
        (164, post.source, 1, "first"),
        (160, digest.source, 1, "lower"),
        (225, digest.source, 2, "article"),
        (225, herald.source, 1, "confirmed"),
    ]


async def _current(store: Store) -> tuple[float, str]:
    standing = (await store.timeline.standings("story", ["killed|people"]))["killed|people"]
    return standing.report.fact.value, standing.report.article.source
