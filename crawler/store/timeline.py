"""The story's facts in Redis: the current reading of each key and the timeline of reports.

* ``{p}sf:{story}`` hash ``kind|subject`` → the :class:`Report` that is the story's current
  value for that key (see :mod:`crawler.core.facts.story` for how it moves);
* ``{p}tl:{story}`` hash ``kind|subject|doc|version`` → every report, with its effect.

Writes are queued into the caller's MULTI/EXEC (``queue_*``) together with the versions and
events they belong to; timeline fields are keyed by what defines the report, so a retried job
rewrites the same field instead of adding a second entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from crawler.core.facts.story import SEED_DOC, Report
from crawler.store.keys import Keys

Key = tuple[str, str]


def field(key: Key) -> str:
    return f"{key[0]}|{key[1]}"


def entry_field(report: Report) -> str:
    return f"{field(report.key)}|{report.doc}|{report.article.version}"


class TimelineStore:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    async def current(self, story: str, keys: Iterable[Key]) -> dict[Key, Report]:
        """The story's current reading of each of ``keys`` that has one."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        raw = await self._redis.hmget(self._keys.story_facts(story), [field(k) for k in wanted])
        return {k: _decode(r) for k, r in zip(wanted, raw, strict=True) if r is not None}

    async def all_current(self, story: str) -> dict[Key, Report]:
        raw = await self._redis.hgetall(self._keys.story_facts(story))
        reports = [_decode(r) for r in raw.values()]
        return {r.key: r for r in reports}

    async def entries(self, story: str) -> list[Report]:
        """Every report of the story, oldest first (the seed's first)."""
        raw = await self._redis.hgetall(self._keys.timeline(story))
        return sorted((_decode(r) for r in raw.values()), key=_order)

    async def has_entries(self, story: str, fields: list[str]) -> list[bool]:
        if not fields:
            return []
        raw = await self._redis.hmget(self._keys.timeline(story), fields)
        return [r is not None for r in raw]

    def queue_current(self, pipe: Pipeline, story: str, report: Report) -> None:
        pipe.hset(self._keys.story_facts(story), field(report.key), _encode(report))

    def queue_entry(self, pipe: Pipeline, story: str, report: Report) -> None:
        pipe.hset(self._keys.timeline(story), entry_field(report), _encode(report))


def _order(report: Report) -> tuple[int, float, str, int]:
    when = report.reported_at or report.seen_at
    stamp = (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()
    seed_first = 0 if report.doc == SEED_DOC else 1
    return (seed_first, stamp, report.doc, report.article.version)


def _encode(report: Report) -> str:
    return json.dumps(report.to_json(), ensure_ascii=False)


def _decode(raw: bytes) -> Report:
    return Report.from_json(json.loads(raw))
