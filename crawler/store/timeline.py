"""The story's facts in Redis: the standing figure of each key and its timeline of reports.

* ``{p}sf:{story}`` hash ``key`` → the key's :class:`~crawler.core.facts.ledger.Standing`
  (the report holding the story's figure, the figures a correction superseded);
* ``{p}tlk:{story}`` hash ``h`` → ``key``, where ``h`` is a short hash of the fact key
  (``killed|people``, ``killed|children``, ``killed|people|place=zahedan``);
* ``{p}tl:{story}:{h}`` hash entry → one :class:`~crawler.core.facts.story.Report` (with its
  effect), and ``{p}tlz:{story}:{h}`` zset entry → when it was reported: the key's timeline,
  ordered and paged, capped at :data:`TIMELINE_CAP` entries (the oldest are dropped; the
  standing figure is kept apart and never dropped). A report is stored packed
  (:data:`REPORTS`, :mod:`crawler.store.packing`); those written before as plain JSON read as
  they are.

Writes are queued into the caller's MULTI/EXEC (``queue_*``) together with the versions and
events they belong to; an entry is keyed by what defines it (document, version, role), so a
retried job rewrites the same entry instead of adding a second one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from crawler.core.facts.ledger import Standing
from crawler.core.facts.story import SEED_DOC, Report
from crawler.core.text import stable_hash
from crawler.store.keys import Keys
from crawler.store.packing import Packing

TIMELINE_CAP = 500
# a report's keys and stock values (crawler.core.facts.story.Report.to_json)
REPORTS = Packing(
    b"\x01",
    (
        b'"effect":"confirmed","effect":"other-event","effect":"superseded","effect":"revised"'
        b',"role":"total","role":"other-event","quantity":"vague","quantity":"bounded",'
        b'"cluster":"","reported_at":null,"seen_at":"2026-12-01T00:00:00.000000+00:00",'
        b'"source":"","version":1},"doc":"'
        b'{"fact":{"kind":"killed","subject":"people","value":,"low":,"high":null,"qualifier":"",'
        b'"quantity":"exact","role":"total","scope":{},"attribution":"","text":"'
        b'"},"article":{"url":"https://www.","canonical_url":"https://www.","title":"'
    ),
)


def key_hash(key: str) -> str:
    return stable_hash(key, size=6)


def entry_id(report: Report) -> str:
    return f"{report.doc}|{report.article.version}|{report.fact.role}"


class TimelineStore:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    async def standings(self, story: str, keys: Iterable[str]) -> dict[str, Standing]:
        """The story's standing figure for each of ``keys`` that has one."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        raw = await self._redis.hmget(self._keys.story_facts(story), wanted)
        return {k: _standing(r) for k, r in zip(wanted, raw, strict=True) if r is not None}

    async def all_standings(self, story: str) -> dict[str, Standing]:
        raw = await self._redis.hgetall(self._keys.story_facts(story))
        return {k.decode(): _standing(r) for k, r in raw.items()}

    async def fact_keys(self, story: str) -> list[str]:
        """Every fact key with a timeline, sorted."""
        raw = await self._redis.hvals(self._keys.timeline_keys(story))
        return sorted(k.decode() for k in raw)

    async def entries(
        self, story: str, key: str, limit: int = TIMELINE_CAP, before: float | None = None
    ) -> list[Report]:
        """The key's reports, oldest first: the newest ``limit`` (reported before ``before``,
        a timestamp, when given — the next page back)."""
        h = key_hash(key)
        top = f"({before}" if before is not None else "+inf"
        ids = await self._redis.zrevrangebyscore(
            self._keys.timeline_order(story, h), top, "-inf", start=0, num=limit
        )
        if not ids:
            return []
        raw = await self._redis.hmget(self._keys.timeline(story, h), ids)
        return [_decode(r) for r in reversed(raw) if r is not None]

    async def has_entries(self, story: str, reports: list[Report]) -> list[bool]:
        async with self._redis.pipeline(transaction=False) as pipe:
            for report in reports:
                pipe.hexists(self._keys.timeline(story, key_hash(report.key)), entry_id(report))
            return [bool(x) for x in await pipe.execute()]

    def queue_standing(self, pipe: Pipeline, story: str, standing: Standing) -> None:
        data = json.dumps(standing.to_json(), ensure_ascii=False)
        pipe.hset(self._keys.story_facts(story), standing.report.key, data)

    def queue_entry(self, pipe: Pipeline, story: str, report: Report) -> None:
        h = key_hash(report.key)
        pipe.hset(self._keys.timeline_keys(story), h, report.key)
        pipe.hset(self._keys.timeline(story, h), entry_id(report), _encode(report))
        pipe.zadd(self._keys.timeline_order(story, h), {entry_id(report): _order(report)})

    async def trim(self, story: str, keys: Iterable[str], cap: int = TIMELINE_CAP) -> None:
        """Drop the oldest entries of each key beyond ``cap`` (idempotent; after a commit)."""
        for key in set(keys):
            h = key_hash(key)
            order = self._keys.timeline_order(story, h)
            excess = await self._redis.zcard(order) - cap
            if excess <= 0:
                continue
            old = await self._redis.zrange(order, 0, excess - 1)
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.zrem(order, *old)
                pipe.hdel(self._keys.timeline(story, h), *old)
                await pipe.execute()


def _order(report: Report) -> float:
    if report.doc == SEED_DOC:
        return 0.0  # the seed opens every timeline
    when = report.reported_at or report.seen_at
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def when(report: Report) -> datetime:
    return report.reported_at or report.seen_at


def _encode(report: Report) -> bytes:
    return REPORTS.pack(report.to_json())


def _decode(raw: bytes) -> Report:
    """A stored report: packed, or plain JSON as written before (it starts with ``{``)."""
    return Report.from_json(REPORTS.unpack(raw) if REPORTS.packed(raw) else json.loads(raw))


def _standing(raw: bytes) -> Standing:
    return Standing.from_json(json.loads(raw))
