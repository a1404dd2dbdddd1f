"""The story's facts across sources: which report moves the current value, which only joins the
timeline (pure rules, then a four-site scenario through ``run --once`` steps)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.cli import facts as facts_cli
from crawler.config import Settings
from crawler.core.facts.story import Report, judge
from crawler.models import ArticleRef, Fact, Version
from crawler.revisions import reported_at
from crawler.roles import run_once
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


def _report(
    value: float,
    doc: str,
    cluster: str | None = None,
    day: int = 10,
    source: str = "a.example",
    version: int = 1,
) -> Report:
    fact = Fact("killed", "people", value, "", f"{value:g} people were killed.", value, value)
    ref = ArticleRef(f"https://{source}/{doc}", f"https://{source}/{doc}", "t", source, version)
    when = datetime(2022, 1, day, tzinfo=UTC)
    return Report(fact, ref, doc, cluster or doc, when, when)


@pytest.mark.parametrize(
    ("current", "new", "own", "effect", "moves", "alerts"),
    [
        (None, _report(160, "seed", "seed"), False, "seed", False, False),
        (_report(164, "a"), _report(160, "seed", "seed"), False, "seed", False, False),
        (None, _report(164, "a"), False, "first", True, False),
        (_report(164, "a"), _report(225, "a", day=15), True, "article", True, False),
        (_report(225, "a"), _report(164, "c", "a", day=16), False, "copy", False, False),
        (_report(225, "a"), _report(230, "c", "b", day=16), False, "copy", False, False),
        (_report(225, "a"), _report(225, "b", day=16), False, "confirmed", False, False),
        (_report(225, "a", day=15), _report(200, "b", day=12), False, "earlier", False, False),
        (_report(227, "b", day=16), _report(230, "a", day=17), True, "article", True, False),
        (_report(225, "a", day=15), _report(227, "b", day=16), False, "revised", True, True),
        # a copy of the seed repeats the seed in its first version; later versions are news
        (_report(164, "a"), _report(160, "c", "seed"), False, "seed", False, False),
        (None, _report(225, "c", "seed", day=15, version=2), True, "first", True, False),
        (
            _report(164, "a"),
            _report(225, "c", "seed", day=15, version=2),
            True,
            "article",
            True,
            False,
        ),
        (
            _report(164, "a"),
            _report(225, "c", "seed", day=15, version=2),
            False,
            "revised",
            True,
            True,
        ),
        (
            _report(225, "c", "seed", day=15, version=2),
            _report(230, "d", "seed", day=16, version=2),
            False,
            "revised",
            True,
            True,
        ),
        (
            _report(225, "c", "seed", day=15, version=2),
            _report(225, "e", "c", day=16),
            False,
            "copy",
            False,
            False,
        ),
    ],
    ids=[
        "seed-first",
        "seed-later",
        "first",
        "in-place",
        "copy-of-current",
        "copy-of-another",
        "confirmed",
        "earlier",
        "own-revision",
        "revised",
        "seed-copy-v1",
        "seed-copy-v2-first",
        "seed-copy-revises-itself",
        "seed-copy-v2-new-key",
        "two-seed-copies",
        "copy-of-a-seed-copy",
    ],
)
def test_judge(
    current: Report | None, new: Report, own: bool, effect: str, moves: bool, alerts: bool
) -> None:
    verdict = judge(current, new, own)
    assert (verdict.effect, verdict.becomes_current, verdict.story_revision) == (
        effect,
        moves,
        alerts,
    )


def test_report_round_trips_through_json() -> None:
    report = _report(227, "b", day=16).with_effect("revised")
    assert Report.from_json(json.loads(json.dumps(report.to_json()))) == report


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

    herald.publish("/news/kazakh-toll", B_TITLE, B_V1, "2022-01-16T10:00:00Z")
    await run_once(settings)
    assert sorted(e["type"] for e in alerts.new()) == ["article.related", "fact.revised"]

    # published on the 12th, before the current value (the 16th): no revision
    courier.publish("/almaty-dead", C_TITLE, C_V1, "2022-01-12T18:00:00Z")
    await run_once(settings)
    assert [e["type"] for e in alerts.new()] == ["article.related"]

    # a copy of the Herald's report, republished later: a duplicate, never a revision
    digest.publish("/world/kazakh-toll", B_TITLE, [D_INTRO, *B_V1], "2022-01-18T09:00:00Z")
    await run_once(settings)
    step = alerts.new()
    assert [e["type"] for e in step] == ["article.duplicate"]
    assert step[0]["duplicate_of"] == herald.url("/news/kazakh-toll")

    # the copy then edits its own figure: its own article-scope alert, the story stays
    edited = [D_INTRO, B_V1[0].replace("227 people", "229 people"), *B_V1[1:]]
    digest.publish(
        "/world/kazakh-toll", B_TITLE, edited, "2022-01-18T09:00:00Z", "2022-01-19T09:00:00Z"
    )
    await run_once(settings)
    step = alerts.new()
    assert sorted(e["type"] for e in step) == ["article.updated", "fact.revised"]
    assert next(e for e in step if e["type"] == "fact.revised")["scope"] == "article"

    await facts_cli.timeline(settings, "story", True)
    data = json.loads(capsys.readouterr().out)
    people = next(f for f in data["facts"] if (f["kind"], f["subject"]) == ("killed", "people"))
    assert [(e["value"], e["source"], e["effect"]) for e in people["timeline"]] == [
        (160, "seed", "seed"),
        (200, courier.source, "earlier"),  # ordered by when it was reported
        (225, post.source, "first"),
        (227, herald.source, "revised"),
        (227, digest.source, "copy"),
        (229, digest.source, "copy"),
    ]
    assert (people["current"]["value"], people["current"]["source"]) == (227, herald.source)


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
