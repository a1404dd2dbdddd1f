"""The correctness checks of ``bench/e2e.py``, the same for every variant.

* **Every article processed once**: the site served every article URL exactly once (none
  missing, none fetched twice), and exactly one ``article.related`` or ``article.duplicate``
  event names each of them.
* **Every event delivered once**: the JSON lines file the hook wrote holds each event of the
  store's outbox exactly once — the same ids, no duplicate line, nothing that is not in the
  outbox.

It also counts what the variants found: events by type, duplicates, and clusters (the
distinct representatives: an article that is not a copy, or the ``duplicate_of`` of a copy).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ARTICLE_EVENTS = ("article.related", "article.duplicate")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def fetched_once(site_pages: dict[str, int]) -> dict[str, Any]:
    missing = sorted(path for path, n in site_pages.items() if n == 0)
    repeated = sorted(path for path, n in site_pages.items() if n > 1)
    return {
        "fetched_once": not missing and not repeated,
        "not_fetched": len(missing),
        "fetched_twice_or_more": len(repeated),
        "examples": (missing + repeated)[:3],
    }


def judged_once(site_pages: dict[str, int], events: list[dict[str, Any]]) -> dict[str, Any]:
    named = Counter(
        urlsplit(event["article"]["url"]).path
        for event in events
        if event.get("type") in ARTICLE_EVENTS
    )
    without = [path for path in site_pages if named[path] == 0]
    twice = [path for path, n in named.items() if n > 1]
    stray = [path for path in named if path not in site_pages]
    return {
        "judged_once": not without and not twice and not stray,
        "articles_without_event": len(without),
        "articles_with_two_events": len(twice),
        "events_for_unknown_articles": len(stray),
    }


def delivered_once(outbox: list[dict[str, Any]], delivered: list[dict[str, Any]]) -> dict[str, Any]:
    emitted = Counter(str(event["id"]) for event in outbox)
    lines = Counter(str(event["id"]) for event in delivered)
    return {
        "delivered_once": emitted == lines and all(n == 1 for n in lines.values()),
        "events_emitted": sum(emitted.values()),
        "events_delivered": sum(lines.values()),
        "not_delivered": len(set(emitted) - set(lines)),
        "delivered_twice_or_more": sum(1 for n in lines.values() if n > 1),
        "delivered_not_emitted": len(set(lines) - set(emitted)),
    }


def found(events: list[dict[str, Any]]) -> dict[str, Any]:
    types = Counter(str(event.get("type")) for event in events)
    representatives = {
        str(event["duplicate_of"])
        if event["type"] == "article.duplicate"
        else event["article"]["url"]
        for event in events
        if event.get("type") in ARTICLE_EVENTS
    }
    return {
        "events_by_type": dict(sorted(types.items())),
        "duplicates": types["article.duplicate"],
        "clusters": len(representatives),
    }


def check(
    site_pages: dict[str, int], outbox: list[dict[str, Any]], delivered: list[dict[str, Any]]
) -> dict[str, Any]:
    """Every check and count of one run; ``ok`` when all checks hold."""
    result = {
        **fetched_once(site_pages),
        **judged_once(site_pages, outbox),
        **delivered_once(outbox, delivered),
        **found(outbox),
    }
    result["ok"] = result["fetched_once"] and result["judged_once"] and result["delivered_once"]
    return result
