"""``newswatch facts PATH|URL|-`` and ``newswatch timeline STORY``: facts of a text, of a story.

``facts`` reads a plain-text or HTML file, an http(s) URL (through the shared fetcher, with its
address guard) or standard input (``-``) — see :mod:`crawler.stages.seed.sources` — and prints every
fact the extractor finds, using the ``[facts]`` vocabulary of the configuration when one can
be loaded. ``timeline`` prints, per fact key of a story, every reading over time with its
source and version, and which one is the story's current value.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.config import CrawlerConfig, Settings, load_optional_settings
from crawler.core.events import reading, summary
from crawler.core.facts import DEFAULT_VOCABULARY, read_article
from crawler.core.facts.story import SEED_DOC, Report
from crawler.models import Fact
from crawler.runtime import open_store
from crawler.stages.seed.sources import read_document


async def facts(source: str, as_json: bool, allow_private: bool, config: Path | None) -> int:
    settings = load_optional_settings(config)
    crawler = settings.crawler if settings else CrawlerConfig()
    if allow_private:
        crawler = crawler.model_copy(update={"allow_private_addresses": True})
    article = (await read_document(source, crawler)).article
    year = (article.published or datetime.now(UTC)).year
    vocabulary = settings.facts.vocabulary() if settings else DEFAULT_VOCABULARY
    found = read_article(article.title, article.text, year, vocabulary)
    if as_json:
        print(json.dumps([fact_json(f) for f in found], ensure_ascii=False, indent=2))
        return 0
    if not found:
        print("no facts found")
        return 0
    header = ("kind", "subject", "figure", "quantity", "role", "scope", "said_by", "sentence")
    rows = [header] + [
        (
            f.kind,
            f.subject,
            reading(f),
            f.quantity,
            f.role,
            ", ".join(f"{k}={v}" for k, v in f.scope) or "-",
            f.attribution[:40] or "-",
            f.sentence,
        )
        for f in found
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(7)]
    for row in rows:
        print("  ".join([*(row[i].ljust(widths[i]) for i in range(7)), row[7]]))
    return 0


def fact_json(fact: Fact) -> dict[str, Any]:
    data = fact.to_json()
    data["sentence"] = data.pop("text")
    return data


async def timeline(settings: Settings, story: str, as_json: bool) -> int:
    settings.story_by_id(story)  # unknown story: a ConfigError naming the configured ones
    async with open_store(settings) as (store, _):
        keys = await store.timeline.fact_keys(story)
        standing = await store.timeline.all_standings(story)
        entries = {key: await store.timeline.entries(story, key) for key in keys}
    if as_json:
        data = {
            "story": story,
            "facts": [
                {
                    "key": key,
                    "kind": key.split("|")[0],
                    "current": _report_json(standing[key].report) if key in standing else None,
                    "superseded": list(standing[key].superseded) if key in standing else [],
                    "timeline": [_report_json(r) for r in entries[key]],
                }
                for key in keys
            ],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    if not keys:
        print(f"story {story}: no facts recorded yet")
        return 0
    print(f"story {story}: {len(keys)} fact key(s)")
    for key in keys:
        held = standing.get(key)
        _print_key(key, entries[key], held.report if held else None)
    return 0


_MOVES = ("first", "revised", "corrected", "article", "higher")


def _print_key(key: str, reports: list[Report], current: Report | None) -> None:
    """One key: its standing figure, then every reading with what it did; a move is said the
    way an editor would ("killed: 164 → 225 (+61, +37 %) — … via Steppe Wire (v2)")."""
    now = "-"
    if current is not None:
        now = f"{reading(current.fact)} ({current.article.source} v{current.article.version})"
    print(f"\n{key}: now {now}")
    previous: Report | None = None
    for report in reports:
        when = report.reported_at or report.seen_at
        stamp = "seed" if report.doc == SEED_DOC else f"{when:%Y-%m-%d %H:%M}Z"
        marker = "  ◀ current" if current and _same(report, current) else ""
        print(
            f"  {stamp:<17} {reading(report.fact):<18} {report.article.source:<24}"
            f" v{report.article.version:<3} {report.effect:<11} {report.article.url}{marker}"
        )
        if report.effect in _MOVES[1:4] and previous is not None:
            print(f"  {'':<17} {summary(previous.fact, report.fact, report.article)}")
        if report.effect in _MOVES:
            previous = report


def _same(a: Report, b: Report) -> bool:
    return (a.doc, a.article.version) == (b.doc, b.article.version)


def _report_json(report: Report) -> dict[str, Any]:
    fact = fact_json(report.fact)
    return {
        **fact,
        "source": report.article.source,
        "url": report.article.url,
        "title": report.article.title,
        "version": report.article.version,
        "reported_at": _iso(report.reported_at),
        "seen_at": _iso(report.seen_at),
        "effect": report.effect,
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
