"""The demo's developing story through ``run --once`` steps: exactly the right events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from crawler.config import settings_from_mapping
from crawler.demo.runner import demo_config, write_seed
from crawler.demo.site import DemoSite
from crawler.runtime.roles import run_once


def _events(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


async def test_developing_story_emits_exactly_the_expected_events(
    demo_site: DemoSite, redis_url: str, prefix: str, tmp_path: Path
) -> None:
    config = demo_config(
        demo_site, tmp_path, write_seed(tmp_path), url=redis_url, key_prefix=prefix
    )
    config["hook"] = [{"type": "jsonl", "path": str(tmp_path / "alerts.jsonl")}]
    settings = settings_from_mapping(config)
    alerts = tmp_path / "alerts.jsonl"

    demo_site.advance(1)
    await run_once(settings)
    step1 = _events(alerts)
    assert [e["type"] for e in step1] == ["article.related"]
    related = step1[0]
    assert related["article"]["url"] == demo_site.report_url
    assert related["article"]["version"] == 1
    assert related["story"] == "kazakhstan-unrest"
    assert related["relevance"] >= 0.12 and "tokayev" in related["shared_terms"]

    demo_site.advance(2)
    await run_once(settings)
    step2 = _events(alerts)[len(step1) :]
    assert [e["type"] for e in step2] == ["article.duplicate"]
    assert step2[0]["article"]["url"] == demo_site.copy_url
    assert step2[0]["duplicate_of"] == demo_site.report_url
    assert step2[0]["similarity"] > 0.8
    assert all(demo_site.unrelated_url != e["article"]["url"] for e in _events(alerts))

    demo_site.advance(3)
    await run_once(settings)
    step3 = _events(alerts)[len(step1) + len(step2) :]
    assert sorted(e["type"] for e in step3) == ["article.updated", "fact.revised"]
    revised = next(e for e in step3 if e["type"] == "fact.revised")
    fact = revised["fact"]
    assert (fact["kind"], fact["subject"]) == ("killed", "people")
    assert (fact["old"]["value"], fact["old"]["qualifier"]) == (164, "at least")
    assert (fact["new"]["value"], fact["new"]["qualifier"]) == (225, "")
    assert "225 people were killed" in fact["new"]["text"]
    assert revised["article"]["version"] == 2
    updated = next(e for e in step3 if e["type"] == "article.updated")
    assert updated["previous_version"] == 1
    assert any("225 people were killed" in s for s in updated["added"])

    seen = len(step1) + len(step2) + len(step3)
    demo_site.advance(4)  # a second outlet reports a higher figure of its own
    await run_once(settings)
    step4 = _events(alerts)[seen:]
    assert sorted(e["type"] for e in step4) == ["article.related", "fact.revised"]
    rival = next(e for e in step4 if e["type"] == "fact.revised")
    assert rival["scope"] == "story"
    assert rival["article"]["url"] == demo_site.rival_url
    assert (rival["fact"]["old"]["value"], rival["fact"]["new"]["value"]) == (225, 238)
    assert rival["previous_source"] == revised["article"]["source"]  # Steppe Wire held 225
    assert rival["previous_article"]["version"] == 2
    assert rival["article"]["source"] != rival["previous_source"]

    before = len(_events(alerts))
    demo_site.advance(5)
    await run_once(settings)
    await run_once(settings)
    assert len(_events(alerts)) == before


async def test_every_event_follows_the_contract(
    demo_site: DemoSite, redis_url: str, prefix: str, tmp_path: Path
) -> None:
    config = demo_config(
        demo_site, tmp_path, write_seed(tmp_path), url=redis_url, key_prefix=prefix
    )
    config["hook"] = [{"type": "jsonl", "path": str(tmp_path / "alerts.jsonl")}]
    settings = settings_from_mapping(config)
    for step in (1, 2, 3):
        demo_site.advance(step)
        await run_once(settings)
    emitted = _events(tmp_path / "alerts.jsonl")
    assert len({e["id"] for e in emitted}) == len(emitted) == 4
    for event in emitted:
        assert {"id", "type", "story", "at", "article"} <= set(event)
        assert event["at"].endswith("Z") and "T" in event["at"]
        article = event["article"]
        assert set(article) == {"url", "canonical_url", "title", "source", "version"}
        assert article["source"].startswith("127.0.0.1:")
