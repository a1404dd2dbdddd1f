"""The story's facts across sources through ``run --once`` steps: which report moves the story's
figure, which only joins the timeline (the pure rules are in ``test_ledger.py``)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.cli import facts as facts_cli
from crawler.config import Settings
from crawler.core.facts.revise import reported_at
from crawler.models import Version
from crawler.runtime.roles import run_once
from tests.newsroom import Newsroom
from tests.test_revisions_scenario import (
    A_V2,
    A_V2_TITLE,
    B_TITLE,
    B_V1,
    REPORT,
    Alerts,
    scenario_settings,
)

C_TITLE = "Almaty counts its dead as Kazakhstan's protests subside"
C_V1 = [
    "ALMATY — Officials in Almaty said on Wednesday that 200 people had died in the protests that "
    "shook Kazakhstan, as bulldozers cleared burned cars from the square outside the city hall.",
    "Residents queued for bread and cash as banks reopened, and the internet, cut for five days "
    "on Tokayev's orders, was partly restored.",
    "The Collective Security Treaty Organization said its peacekeepers would stay until the "
    "president decided they were no longer needed.",
]
D_INTRO = (
    "This report was first published by the Caspian Herald and is republished with permission."
)


@pytest.fixture
async def rooms() -> AsyncIterator[list[Newsroom]]:
    started = [Newsroom(n) for n in ("Steppe Post", "Caspian Herald", "Almaty Courier", "Digest")]
    for room in started:
        await room.start()
    yield started
    for room in reversed(started):
        await room.close()


async def test_earlier_reports_and_copies_join_the_timeline_without_alerts(
    rooms: list[Newsroom],
    make_settings: Callable[..., Settings],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    post, herald, courier, digest = rooms
    settings = scenario_settings(make_settings, tmp_path, *rooms, revisit=["1h"])
    alerts = Alerts(tmp_path / "alerts.jsonl")

    post.publish(REPORT, A_V2_TITLE, A_V2, "2022-01-15T12:00:00Z")
    await run_once(settings)
    assert [e["type"] for e in alerts.new()] == ["article.related"]

    # 227 after 225: within the margin (5 % and 3), the figure creeps up without an alert
    herald.publish("/news/kazakh-toll", B_TITLE, B_V1, "2022-01-16T10:00:00Z")
    await run_once(settings)
    assert [e["type"] for e in alerts.new()] == ["article.related"]

    # a report published on the 12th, before the one that opened the key (225, the 15th),
    # arrives late with 200: in publication order 225 was a revision of it — alerted now, once
    courier.publish("/almaty-dead", C_TITLE, C_V1, "2022-01-12T18:00:00Z")
    await run_once(settings)
    step = alerts.new()
    assert sorted(e["type"] for e in step) == ["article.related", "fact.revised"]
    late = next(e for e in step if e["type"] == "fact.revised")
    assert (late["scope"], late["fact"]["old"]["value"], late["fact"]["new"]["value"]) == (
        "story",
        200,
        225,
    )
    assert late["article"]["source"] == post.source and late["previous_source"] == courier.source

    # a copy of the Herald's report, republished later: a duplicate, never a revision
    digest.publish("/world/kazakh-toll", B_TITLE, [D_INTRO, *B_V1], "2022-01-18T09:00:00Z")
    await run_once(settings)
    step = alerts.new()
    assert [e["type"] for e in step] == ["article.duplicate"]
    assert step[0]["duplicate_of"] == herald.url("/news/kazakh-toll")

    # the copy then edits its own figure by less than the margin: an update, no figure alert
    edited = [D_INTRO, B_V1[0].replace("227 people", "229 people"), *B_V1[1:]]
    digest.publish(
        "/world/kazakh-toll", B_TITLE, edited, "2022-01-18T09:00:00Z", "2022-01-19T09:00:00Z"
    )
    await run_once(settings)
    assert [e["type"] for e in alerts.new()] == ["article.updated"]

    # and then by more: one alert, the copy's own, carrying the story's move 229 → 250
    edited = [D_INTRO, B_V1[0].replace("227 people", "250 people"), *B_V1[1:]]
    digest.publish(
        "/world/kazakh-toll", B_TITLE, edited, "2022-01-18T09:00:00Z", "2022-01-20T09:00:00Z"
    )
    await run_once(settings)
    step = alerts.new()
    assert sorted(e["type"] for e in step) == ["article.updated", "fact.revised"]
    revised = next(e for e in step if e["type"] == "fact.revised")
    assert (revised["scope"], revised["direction"]) == ("article", "up")
    assert (revised["fact"]["old"]["value"], revised["fact"]["new"]["value"]) == (229, 250)
    assert revised["story"] == "story"  # the story id; the story's move is story_figure
    figure = revised["story_figure"]
    assert figure["old"]["value"] == 229 and figure["direction"] == "up"

    await facts_cli.timeline(settings, "story", True)
    data = json.loads(capsys.readouterr().out)
    people = next(f for f in data["facts"] if f["key"] == "killed|people")
    assert [(e["value"], e["source"], e["effect"]) for e in people["timeline"]] == [
        (160, "seed", "seed"),
        (200, courier.source, "earlier"),  # ordered by when it was reported
        (225, post.source, "first"),
        (227, herald.source, "higher"),
        (227, digest.source, "confirmed"),
        (229, digest.source, "higher"),
        (250, digest.source, "article"),
    ]
    assert (people["current"]["value"], people["current"]["source"]) == (250, digest.source)


def _version(number: int, published: int | None, modified: int | None, fetched: int) -> Version:
    def day(d: int | None) -> datetime | None:
        return None if d is None else datetime(2022, 1, d, tzinfo=UTC)

    fetched_at = day(fetched)
    assert fetched_at is not None
    return Version(number, "h", "t", "x", (), fetched_at, day(published), day(modified))


@pytest.mark.parametrize(
    ("version", "previous", "day"),
    [
        (_version(1, 9, 10, 20), None, 10),  # first version: its latest stated time
        (_version(1, 9, None, 20), None, 9),
        (_version(1, None, None, 20), None, 20),  # no time stated: when we saw it
        (_version(1, 25, None, 20), None, 20),  # never later than we saw it
        (_version(2, 9, 15, 20), _version(1, 9, 10, 12), 15),  # the modification moved
        (_version(2, 9, 10, 20), _version(1, 9, 10, 12), 20),  # it did not: when we saw it
    ],
)
def test_reading_time(version: Version, previous: Version | None, day: int) -> None:
    assert reported_at(version, previous) == datetime(2022, 1, day, tzinfo=UTC)
