"""``newswatch facts PATH|URL|-`` and ``newswatch timeline STORY``: facts of a text, of a story.

``facts`` reads a plain-text or HTML file, an http(s) URL (through the shared fetcher, with its
address guard) or standard input (``-``) — see :mod:`crawler.sources` — and prints every
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
from crawler.core.facts import DEFAULT_VOCABULARY, extract_facts
from crawler.core.facts.story import SEED_DOC, Report
from crawler.models import Fact
from crawler.runtime import open_store
from crawler.sources import read_document


async def facts(source: str, as_json: bool, allow_private: bool, config: Path | None) -> int:
    settings = load_optional_settings(config)
    crawler = settings.crawler if settings else CrawlerConfig()
    if allow_private:
        crawler = crawler.model_copy(update={"allow_private_addresses": True})
    article = (await read_document(source, crawler)).article
    year = (article.published or datetime.now(UTC)).year
    vocabulary = settings.facts.vocabulary() if settings else DEFAULT_VOCABULARY
    found = extract_facts(article.text, year, vocabulary)
    if as_json:
        print(json.dumps([fact_json(f) for f in found], ensure_ascii=False, indent=2))
        return 0
    if not found:
        print("no facts found")
        return 0
    rows = [("kind", "subject", "value", "low", "high", "qualifier", "sentence")]
    rows += [
        (
            f.kind,
            f.subject,
            _num(f.value),
            _num(f.low),
            _num(f.high),
            f.qualifier or "-",
            f.sentence,
        )
        for f in found
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    for row in rows:
        cells = [
            row[i].rjust(widths[i]) if 2 <= i <= 4 else row[i].ljust(widths[i]) for i in range(6)
        ]
        print("  ".join([*cells, row[6]]))
    return 0


def fact_json(fact: Fact) -> dict[str, Any]:
    data = fact.to_json()
    return {
        "kind": fact.kind,
        "subject": fact.subject,
        "value": data["value"],
        "low": data["low"],
        "high": data["high"],
        "qualifier": fact.qualifier,
        "sentence": fact.sentence,
    }


def reading(fact: Fact) -> str:
    """ "at least 164", "225", "no one (0)"."""
    return f"{fact.qualifier} {_num(fact.value)}".strip()


async def timeline(settings: Settings, story: str, as_json: bool) -> int:
    settings.story_by_id(story)  # unknown story: a ConfigError naming the configured ones
    async with open_store(settings) as (store, _):
        entries = await store.timeline.entries(story)
        current = await store.timeline.all_current(story)
    keys = list(dict.fromkeys(r.key for r in entries))
    if as_json:
        data = {
            "story": story,
            "facts": [
                {
                    "kind": kind,
                    "subject": subject,
                    "current": _report_json(current[(kind, subject)])
                    if (kind, subject) in current
                    else None,
                    "timeline": [_report_json(r) for r in entries if r.key == (kind, subject)],
                }
                for kind, subject in keys
            ],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    if not keys:
        print(f"story {story}: no facts recorded yet")
        return 0
    print(f"story {story}: {len(keys)} fact key(s)")
    for key in keys:
        _print_key(key, [r for r in entries if r.key == key], current.get(key))
    return 0


def _print_key(key: tuple[str, str], reports: list[Report], current: Report | None) -> None:
    now = "-"
    if current is not None:
        now = f"{reading(current.fact)} ({current.article.source} v{current.article.version})"
    print(f"\n{key[0]}/{key[1]}: now {now}")
    for report in reports:
        when = report.reported_at or report.seen_at
        stamp = "seed" if report.doc == SEED_DOC else f"{when:%Y-%m-%d %H:%M}Z"
        marker = "  ◀ current" if current and _same(report, current) else ""
        print(
            f"  {stamp:<17} {reading(report.fact):<16} {report.article.source:<24}"
            f" v{report.article.version:<3} {report.effect:<9} {report.article.url}{marker}"
        )


def _same(a: Report, b: Report) -> bool:
    return (a.doc, a.article.version) == (b.doc, b.article.version)


def _report_json(report: Report) -> dict[str, Any]:
    fact = fact_json(report.fact)
    return {
        **{k: fact[k] for k in ("value", "low", "high", "qualifier", "sentence")},
        "source": report.article.source,
        "url": report.article.url,
        "title": report.article.title,
        "version": report.article.version,
        "reported_at": _iso(report.reported_at),
        "seen_at": _iso(report.seen_at),
        "effect": report.effect,
    }


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    return str(int(value)) if float(value).is_integer() else str(value)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
