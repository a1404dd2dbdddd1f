"""What every drill crawls and checks: a local news site whose articles all belong to the
seed's story, spread over a few feeds (one host each), and the "once" check.

Every article is tracked (related, or a copy of another), so each one must end with exactly
one stored version and exactly one ``article.*`` event; the events the hook delivered must be
exactly the outbox's (same ids, none twice).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from crawler.store import Store, url_doc
from tests.conftest import SEED_FILE
from tests.localsite import Handler
from tests.newsroom import Newsroom
from tests.newstexts import WIRE, WIRE_TITLE


class Crawl:
    """``articles`` pages over ``feeds`` newsrooms (each its own host and feed). Every page
    takes ``delay`` seconds to answer (a real site's latency), so with a few jobs at a time the
    crawl lasts seconds and a drill's blow lands mid-crawl."""

    def __init__(self, articles: int = 30, feeds: int = 3, delay: float = 0.5) -> None:
        self.rooms = [Newsroom(f"Desk {i}") for i in range(feeds)]
        self.count = articles
        self.delay = delay
        self.urls: list[str] = []

    async def start(self) -> None:
        for room in self.rooms:
            await room.start()
        for i in range(self.count):
            room = self.rooms[i % len(self.rooms)]
            # the lede (plainly the story) and three others: related whatever was judged first
            others = [WIRE[1 + (i + k) % (len(WIRE) - 1)] for k in (0, 3, 6)]
            paragraphs = [WIRE[0], *others]
            paragraphs.append(f"This is dispatch number {i} from the {room.name} desk.")
            stamp = f"2022-01-08T{i % 24:02d}:{i % 60:02d}:00Z"
            self.urls.append(room.publish(f"/a/{i}", f"{WIRE_TITLE} ({i})", paragraphs, stamp))
            room.site.handlers[f"/a/{i}"] = _slow(room.site.handlers[f"/a/{i}"], self.delay)

    async def close(self) -> None:
        for room in self.rooms:
            await room.close()

    async def __aenter__(self) -> Crawl:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    @property
    def feeds(self) -> list[str]:
        return [room.feed_url for room in self.rooms]

    def config(self, tmp_path: Path, redis: dict[str, str], **sections: Any) -> dict[str, Any]:
        """A daemon configuration for this crawl: fast ticks, a jsonl hook in ``tmp_path``."""
        data: dict[str, Any] = {
            "redis": redis,
            "storage": {"data_dir": str(tmp_path / "data")},
            # a host slot whose release an outage swallowed stays taken until its lease ends
            # (a minute): enough slots that the drills never wait for one
            "crawler": {
                "allow_private_addresses": True,
                "per_host_delay": "0s",
                "per_host_concurrency": 16,
            },
            # generous: a job waits out store outages inside its fetches and commits, and arq
            # drops a job that times out
            "worker": {
                "retry_delay": "0.2s",
                "max_tries": 8,
                "job_timeout": "60s",
                "max_jobs": 4,
            },
            "scheduler": {"tick": "0.1s", "feed_lease": "3s"},
            "story": [{"id": "story", "seed": str(SEED_FILE), "revisit": ["1h"]}],
            "feed": [{"url": u, "interval": "1s"} for u in self.feeds],
            "hook": [{"type": "jsonl", "path": str(tmp_path / "alerts.jsonl")}],
        }
        for key, value in sections.items():
            data[key] = {**data.get(key, {}), **value} if isinstance(value, dict) else value
        return data


def _slow(handler: Handler, delay: float) -> Handler:
    async def slow(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(delay)  # the site's latency, not a synchronisation
        return await handler(request)

    return slow


def toml(data: dict[str, Any]) -> str:
    """A configuration mapping (as :meth:`Crawl.config` builds it) as a TOML file's text."""
    lines: list[str] = []
    for key, value in data.items():
        tables = value if isinstance(value, list) else [value]
        for table in tables:
            lines.append(f"[[{key}]]" if isinstance(value, list) else f"[{key}]")
            lines += [f"{k} = {json.dumps(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def delivered(tmp_path: Path) -> list[dict[str, Any]]:
    path = tmp_path / "alerts.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def article_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] in ("article.related", "article.duplicate")]


UNTIL = 150.0  # seconds a drill waits for a state before it fails


async def until(condition: Callable[[], Awaitable[bool]]) -> None:
    """Wait for ``condition`` — a real state of the system (a file another process writes,
    Redis), looked at every 50 ms — or fail after :data:`UNTIL` seconds. Nothing to await
    exists for such states, so this is the one polling loop of the drills."""
    async with asyncio.timeout(UNTIL):
        while not await condition():  # noqa: ASYNC110 - see the docstring
            await asyncio.sleep(0.05)


async def check_once(store: Store, crawl: Crawl, events: list[dict[str, Any]]) -> None:
    """Every article stored once (one version), every event delivered once, the outbox's ids."""
    docs = {url_doc(u) for u in crawl.urls}
    assert set(await store.articles.tracked_docs("story")) == docs
    for doc in docs:
        assert len(await store.articles.versions("story", doc)) == 1
    ids = [e["id"] for e in events]
    assert len(ids) == len(set(ids)), "an event was delivered twice"
    assert set(ids) == {e["id"] for e in await store.outbox.all_events()}
    urls = sorted(e["article"]["url"] for e in article_events(events))
    assert urls == sorted(crawl.urls)  # one article event per article
