"""Read-only commands: ``extract``, ``history``, ``status`` (and ``worker --burst``)."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from crawler import overview
from crawler.cli.hooks import hook_lines
from crawler.config import CrawlerConfig, Settings, load_optional_settings
from crawler.models import Article, Version
from crawler.redact import redact
from crawler.runtime import open_runtime, open_store
from crawler.stages.seed.sources import read_document
from crawler.store import Store, safe_url


async def extract(source: str, as_json: bool, allow_private: bool, config: Path | None) -> int:
    settings = load_optional_settings(config)
    crawler = (settings.crawler if settings else CrawlerConfig()).model_copy(
        update={"allow_private_addresses": True} if allow_private else {}
    )
    article = (await read_document(source, crawler, html=True)).article
    print(
        json.dumps(article_json(article), ensure_ascii=False, indent=2)
        if as_json
        else _article_text(article)
    )
    return 0


def article_json(article: Article) -> dict[str, Any]:
    return {
        "url": article.url,
        "canonical_url": article.canonical_url,
        "title": article.title,
        "byline": article.byline,
        "published": _iso(article.published),
        "modified": _iso(article.modified),
        "language": article.language,
        "text": article.text,
    }


def _article_text(article: Article) -> str:
    head = [f"{k}: {v}" for k, v in article_json(article).items() if k != "text" and v]
    return "\n".join([*head, "", article.text])


async def history(settings: Settings, url: str, story: str | None, as_json: bool) -> int:
    stories = [story] if story else [s.id for s in settings.story]
    found: dict[str, tuple[int, list[Version]]] = {}
    async with open_store(settings) as (store, _):
        for sid in stories:
            doc = await store.articles.doc_for_url(sid, url)
            versions = await store.articles.versions(sid, doc)
            tracked = await store.articles.get(sid, doc)
            if versions:
                found[sid] = (tracked.version if tracked else versions[-1].number, versions)
    if not found:
        print(f"{url} is not tracked by any story")
        return 1
    if as_json:
        data = {
            s: {"current": c, "versions": [v.to_json() for v in vs]} for s, (c, vs) in found.items()
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    for sid, (current, versions) in found.items():
        print(f"story {sid}: {len(versions)} version(s) of {url}")
        for version in versions:
            _print_version(version, version.number == current)
    return 0


def _print_version(version: Version, current: bool) -> None:
    mark = "  (current)" if current else ""
    modified = f"  modified {version.modified:%Y-%m-%d %H:%M}" if version.modified else ""
    print(
        f"  v{version.number}  fetched {version.fetched_at:%Y-%m-%d %H:%M:%S}Z{modified}"
        f"  {version.content_hash[:12]}{mark}\n      {version.title}"
    )
    for fact in version.facts:
        qualifier = f"{fact.qualifier} " if fact.qualifier else ""
        low = "-" if fact.low is None else f"{fact.low:g}"
        high = "-" if fact.high is None else f"{fact.high:g}"
        print(
            f"      {fact.kind}/{fact.subject}: {qualifier}{fact.to_json()['value']}"
            f"  [{low}..{high}]  “{fact.sentence[:90]}”"
        )


async def status(settings: Settings, as_json: bool) -> int:
    """Exit 1 when a feed is failing or gone, or a hook holds dead letters; else 0."""
    async with open_store(settings) as (store, url):
        data = await _status(settings, store, url)
    trouble = [f for f in data["feeds"] if f["status"] != "ok"]
    trouble += [h for h in data["hooks"] if h["dead"]]
    if as_json:
        print(redact(json.dumps(data, indent=2)))
        return 1 if trouble else 0
    print(
        f"store: {data['store']}   queued jobs: {data['queued_jobs']}   "
        f"revisits pending: {data['revisits_pending']} ({data['revisits_due']} due)"
    )
    print(_usage_line(data["usage"]))
    for feed in data["feeds"]:
        _print_feed(feed)
    for sid, count in data["tracked"].items():
        print(f"story {sid}: {count} tracked article(s)")
    if data["hooks"]:
        print("\n".join(["hooks:", *hook_lines(data["hooks"])]))
    print("counters: " + ", ".join(f"{k}={v}" for k, v in sorted(data["counters"].items())))
    if trouble:
        print(f"{len(trouble)} problem(s): see the lines marked failing, gone or dead letters")
    return 1 if trouble else 0


def _print_feed(feed: dict[str, Any]) -> None:
    """A feed's lines, masked: feed URLs and errors may carry API keys."""
    origin = f"  (discovery: {feed['story']})" if feed["origin"] == "discovery" else ""
    name = f"  {feed['title']}" if feed["title"] else ""
    lines = [f"  [{feed['status']:>7}] {feed['url']}{origin}{name}"]
    failures = f" ({feed['failures']} failure(s) in a row)" if feed["failures"] else ""
    lines.append(
        f"            last poll {_short(feed['last_poll'])}   next poll "
        f"{_short(feed['next_poll'])}{failures}"
    )
    if feed["last_error"]:
        lines.append(f"            error: {feed['last_error']}")
    print(redact("\n".join(lines)))


def _short(stamp: str | None) -> str:
    return stamp[:19].replace("T", " ") + "Z" if stamp else "-"


async def _status(settings: Settings, store: Store, url: str) -> dict[str, Any]:
    return {
        "store": safe_url(url),
        **await overview.queue(store),
        "feeds": await overview.feeds(settings, store),
        "hooks": await overview.hooks(settings, store),
        "tracked": {s.id: len(await store.articles.tracked_docs(s.id)) for s in settings.story},
        "counters": await store.stats(),
        "usage": await store_usage(store),
        "at": time.time(),
    }


async def store_usage(store: Store) -> dict[str, Any]:
    """Store memory, entries waiting for a job, and keys/bytes per key family."""
    found = await store.usage.families()
    return {
        "memory": await store.usage.memory(),
        "waiting_entries": await store.waiting.waiting(),
        "families": {name: {"keys": f.keys, "bytes": f.bytes} for name, f in found.items()},
    }


def _usage_line(data: dict[str, Any]) -> str:
    families = ", ".join(
        f"{name} {f['bytes'] / 1024:.0f} KiB/{f['keys']} keys"
        for name, f in list(data["families"].items())[:12]
    )
    used = data["memory"]["used"] / 2**20
    return (
        f"store memory: {used:.1f} MiB   entries waiting: {data['waiting_entries']}\n"
        f"  by family: {families or '-'}"
    )


async def burst_worker(settings: Settings) -> int:
    from workers.worker import build_worker

    async with open_runtime(settings, roles=("worker",)) as runtime:
        worker = build_worker(runtime, burst=True, poll_delay=0.05)
        try:
            await worker.async_run()
        finally:
            await worker.close()
        await runtime.dispatcher.drain()
    return 0


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
