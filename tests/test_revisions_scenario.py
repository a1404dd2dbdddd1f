"""A developing story on two local news sites, through ``run --once`` steps: exactly the right
events for in-place revisions, a second source, a new fact, trivial re-edits and flip-flops —
and ``history`` / ``timeline`` showing it.

Revisits are triggered the way a publisher signals a change: the feed entry's ``updated`` stamp
moves, so the scheduler queues an immediate ``signal`` fetch (no sleeping, no waiting for the
story's ``revisit`` schedule, which is ``1h`` here).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from crawler.cli import facts as facts_cli
from crawler.cli import inspect
from crawler.config import Settings
from crawler.runtime.roles import run_once
from crawler.store import Store
from tests.conftest import SEED_FILE
from tests.newsroom import Newsroom

A_TITLE = "Kazakhstan says at least 164 killed in week of unrest"
A_V1 = [
    "ALMATY, Kazakhstan — At least 164 people were killed in the unrest that swept Kazakhstan "
    "over the past week, the health ministry said on Sunday.",
    "President Kassym-Jomart Tokayev said constitutional order had been restored after troops "
    "from the Russian-led Collective Security Treaty Organization arrived to help quell the "
    "protests, which began over a sharp rise in fuel prices.",
    "The Interior Ministry said nearly 8,000 people had been detained across the country.",
    "In Almaty, the largest city, the mayor's office was set on fire and the airport was briefly "
    "seized by protesters before security forces retook it.",
    "Tokayev has blamed the violence on what he called foreign-trained terrorists, a claim for "
    "which he has offered no evidence.",
]
A_V2_TITLE = "Kazakhstan raises death toll from unrest to 225"
A_V2 = [
    "ALMATY, Kazakhstan — 225 people were killed in the unrest that swept Kazakhstan over the "
    "past week, prosecutors said on Saturday, sharply raising the official toll.",
    *A_V1[1:],
]
SECURITY = "The ministry said 18 members of the security forces were killed in the clashes."
A_V3 = [A_V2[0], SECURITY, *A_V2[1:]]
FURNITURE = [
    "<p>Updated 14:05 GMT</p>",
    "<h3>Related</h3><ul><li>Kazakhstan unrest: what we know</li>"
    "<li>Who is Kassym-Jomart Tokayev?</li></ul>",
    "<p>Sign up for our Central Asia newsletter</p>",
]
A_V4 = [A_V3[0], A_V3[1] + "  ", A_V3[2].replace("Russian-led", "Russian-led,"), *A_V3[3:]]
A_V5 = [A_V4[0].replace("225 people", "260 people"), *A_V4[1:]]

B_TITLE = "Kazakh prosecutors put unrest toll at 227 as Tokayev names new cabinet"
B_V1 = [
    "NUR-SULTAN — Kazakhstan's prosecutor general's office said on Sunday that 227 people were "
    "killed during the January unrest, among them civilians caught in crossfire in Almaty.",
    "Tokayev named a new cabinet and promised to curb the influence of the elite around his "
    "predecessor, Nursultan Nazarbayev, whose relatives lost several senior posts.",
    "Nearly 8,000 people had been detained during the protests, the Interior Ministry said, and "
    "many have since been released.",
    "Troops of the Collective Security Treaty Organization began leaving Almaty after guarding "
    "strategic sites for a week.",
    "Human rights groups called for an independent inquiry into the shootings of protesters.",
]
REPORT = "/2022/01/09/kazakhstan-unrest-toll.html"


@pytest.fixture
async def newsrooms() -> AsyncIterator[tuple[Newsroom, Newsroom]]:
    post, herald = Newsroom("Steppe Post"), Newsroom("Caspian Herald")
    await post.start()
    await herald.start()
    yield post, herald
    await herald.close()
    await post.close()


def scenario_settings(
    make_settings: Callable[..., Settings],
    tmp_path: Path,
    *rooms: Newsroom,
    revisit: list[str],
    **sections: Any,
) -> Settings:
    return make_settings(
        story=[{"id": "story", "seed": str(SEED_FILE), "revisit": revisit}],
        feed=[{"url": r.feed_url, "interval": "1h"} for r in rooms],
        hook=[{"type": "jsonl", "path": str(tmp_path / "alerts.jsonl")}],
        **sections,
    )


class Alerts:
    """The jsonl hook's file; :meth:`new` returns the events added since the last call."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen = 0

    def new(self) -> list[dict[str, Any]]:
        lines = self.path.read_text().splitlines() if self.path.exists() else []
        fresh = [json.loads(line) for line in lines[self.seen :]]
        self.seen = len(lines)
        return fresh


def _types(events: list[dict[str, Any]]) -> list[str]:
    return sorted(e["type"] for e in events)


async def test_developing_story(
    newsrooms: tuple[Newsroom, Newsroom],
    make_settings: Callable[..., Settings],
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    post, herald = newsrooms
    settings = scenario_settings(make_settings, tmp_path, post, herald, revisit=["1h"])
    alerts = Alerts(tmp_path / "alerts.jsonl")
    url = post.publish(REPORT, A_TITLE, A_V1, "2022-01-09T08:00:00Z")

    # 1. first report: related only (the seed's "more than 160" never makes a revision)
    await run_once(settings)
    assert _types(alerts.new()) == ["article.related"]

    # 2. revised in place, 164 -> 225: one article-scope revision and the update
    post.publish(REPORT, A_V2_TITLE, A_V2, "2022-01-09T08:00:00Z", "2022-01-15T12:00:00Z")
    await run_once(settings)
    step = alerts.new()
    assert _types(step) == ["article.updated", "fact.revised"]
    revised = next(e for e in step if e["type"] == "fact.revised")
    assert revised["scope"] == "article" and "previous_source" not in revised
    assert (revised["fact"]["kind"], revised["fact"]["subject"]) == ("killed", "people")
    assert (revised["fact"]["old"]["value"], revised["fact"]["old"]["qualifier"]) == (
        164,
        "at least",
    )
    assert (revised["fact"]["new"]["value"], revised["fact"]["new"]["low"]) == (225, 225)
    assert revised["article"]["version"] == 2 and revised["article"]["url"] == url

    # 3. a second source reports 240 later: one story-scope revision naming both sources
    b_240 = [B_V1[0].replace("227 people", "240 people"), *B_V1[1:]]
    herald_url = herald.publish("/news/kazakh-toll", B_TITLE, b_240, "2022-01-16T10:00:00Z")
    await run_once(settings)
    step = alerts.new()
    assert _types(step) == ["article.related", "fact.revised"]
    story = next(e for e in step if e["type"] == "fact.revised")
    assert story["scope"] == "story"
    assert story["article"]["source"] == herald.source and story["article"]["url"] == herald_url
    assert story["previous_source"] == post.source
    assert story["previous_article"]["url"] == url and story["previous_article"]["version"] == 2
    assert (story["fact"]["old"]["value"], story["fact"]["new"]["value"]) == (225, 240)
    assert {"id", "type", "story", "at", "article", "fact"} <= set(story)
    assert (story["direction"], story["change"]) == ("up", {"absolute": 15, "relative": 0.0667})
    assert story["fact"]["role"] == "total" and story["fact"]["scope"] == {}
    assert story["fact"]["attribution"] == "Kazakhstan's prosecutor general's office"
    assert story["summary"] == (
        "killed: 225 → 240 (+15, +7 %) — Kazakhstan's prosecutor general's office via "
        f"{herald.source} (v1)"
    )

    # 4. the report adds the security forces' dead: a new fact, no revision of killed/people
    post.publish(REPORT, A_V2_TITLE, A_V3, "2022-01-09T08:00:00Z", "2022-01-17T09:00:00Z")
    await run_once(settings)
    step = alerts.new()
    assert _types(step) == ["article.updated"]
    assert step[0]["added"] == [SECURITY] and step[0]["removed"] == []

    # 5. a trivial re-edit (stamp, related links, newsletter, whitespace, a comma): no event
    post.publish(
        REPORT, A_V2_TITLE, A_V4, "2022-01-09T08:00:00Z", "2022-01-17T14:05:00Z", FURNITURE
    )
    await run_once(settings)
    assert alerts.new() == []

    # 6. flip-flop: 225 -> 260 alerts once; back to 225 and to 260 again alert never
    post.publish(
        REPORT, A_V2_TITLE, A_V5, "2022-01-09T08:00:00Z", "2022-01-18T08:00:00Z", FURNITURE
    )
    await run_once(settings)
    step = alerts.new()
    assert _types(step) == ["article.updated", "fact.revised"]
    assert next(e for e in step if e["type"] == "fact.revised")["scope"] == "article"
    post.publish(
        REPORT, A_V2_TITLE, A_V4, "2022-01-09T08:00:00Z", "2022-01-18T09:00:00Z", FURNITURE
    )
    await run_once(settings)
    post.publish(
        REPORT, A_V2_TITLE, A_V5, "2022-01-09T08:00:00Z", "2022-01-18T10:00:00Z", FURNITURE
    )
    await run_once(settings)
    assert alerts.new() == []

    # the store: versions 1..5 (identical contents never stored twice), current = v5
    versions = await _versions(store, url)
    assert [v.number for v in versions] == [1, 2, 3, 4, 5]
    assert len({v.content_hash for v in versions}) == 5
    assert versions[1].modified is not None and versions[1].last_modified.endswith("GMT")
    assert {(f.kind, f.subject, f.value) for f in versions[2].facts} >= {
        ("killed", "people", 225),
        ("killed", "security forces", 18),
    }

    # history: every version with its facts, the current one marked
    await inspect.history(settings, url, None, False)
    out = capsys.readouterr().out
    assert "5 version(s)" in out
    assert "killed/people: at least 164" in out and "killed/people: 225" in out
    assert "killed/security forces: 18" in out and "killed/people: 260" in out
    assert out.count("(current)") == 1 and "(current)" in out.split("v5")[1].split("\n")[0]
    await inspect.history(settings, url, "story", True)
    data = json.loads(capsys.readouterr().out)["story"]
    assert data["current"] == 5 and [v["version"] for v in data["versions"]] == [1, 2, 3, 4, 5]
    first = data["versions"][0]
    assert first["etag"] == "" and first["last_modified"].endswith("GMT")
    assert first["modified"] == "2022-01-09T08:00:00+00:00" and first["text"].startswith("ALMATY")
    assert {(f["kind"], f["value"], f["low"], f["high"]) for f in first["facts"]} == {
        ("killed", 164, 164, None),
        ("arrested", 8000, None, 8000),
    }

    # timeline: per key, the values over time with source and version
    await facts_cli.timeline(settings, "story", True)
    data = json.loads(capsys.readouterr().out)
    keys = {f["key"]: f for f in data["facts"]}
    people = keys["killed|people"]
    assert [(e["value"], e["source"], e["version"], e["effect"]) for e in people["timeline"]] == [
        (160, "seed", 1, "seed"),
        (164, post.source, 1, "first"),
        (225, post.source, 2, "article"),
        (240, herald.source, 1, "revised"),
        (260, post.source, 5, "article"),
    ]
    assert (people["current"]["value"], people["current"]["source"]) == (260, post.source)
    security = keys["killed|security forces"]
    assert [(e["value"], e["version"], e["effect"]) for e in security["timeline"]] == [
        (18, 3, "first")
    ]
    detained = keys["arrested|people"]["timeline"]
    assert [(e["source"], e["effect"]) for e in detained][1:] == [
        (post.source, "first"),
        (herald.source, "confirmed"),
    ]
    await facts_cli.timeline(settings, "story", False)
    text = capsys.readouterr().out
    assert "killed|people: now 260" in text and "killed|security forces: now 18" in text
    assert "killed: 225 → 240 (+15, +7 %)" in text  # the move, as an editor says it
    assert herald.source in text and "revised" in text and "◀ current" in text


async def _versions(store: Store, url: str) -> list[Any]:
    from crawler.store import url_doc

    doc = url_doc(url)
    return await store.articles.versions("story", doc)
