"""What discovery and the pre-filter keep per story: the grown profile, the story's current
news-search feeds, and the feed entries the pre-filter skipped.

* The grown profile is a hash stem → summed weight, added to (in the judging transaction) by
  every article judged related: the strongest terms of the story as it develops.
* Skipped entries are not forgotten: each one is kept (link, title, summary, feed, when) in
  a capped stream, so it can be listed (``newswatch story``) and re-checked against the
  grown profile; an entry that passes later is fetched then and removed from the stream.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from crawler.models import FeedEntry
from crawler.store.keys import Keys

MAX_SKIPPED = 20_000  # per story; the oldest are dropped beyond this


@dataclass(frozen=True, slots=True)
class SkippedEntry:
    id: str  # stream entry id
    link: str
    title: str
    summary: str
    feed: str
    at: str


class DiscoveryStore:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    def queue_grow(self, pipe: Pipeline, story: str, terms: dict[str, float]) -> None:
        for term, weight in terms.items():
            pipe.hincrbyfloat(self._keys.grown(story), term, round(weight, 6))

    async def grown(self, story: str) -> dict[str, float]:
        raw = await self._redis.hgetall(self._keys.grown(story))
        return {k.decode(): float(v) for k, v in raw.items()}

    async def feeds(self, story: str) -> set[str]:
        return {u.decode() for u in await self._redis.smembers(self._keys.discovery(story))}

    async def set_feeds(self, story: str, urls: list[str]) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._keys.discovery(story))
            if urls:
                pipe.sadd(self._keys.discovery(story), *urls)
            await pipe.execute()

    def queue_skip(self, pipe: Pipeline, story: str, entry: FeedEntry) -> None:
        fields = {
            "link": entry.link,
            "title": entry.title,
            "summary": entry.summary[:2000],
            "feed": entry.feed_url,
            "at": datetime.now(UTC).isoformat(),
        }
        pipe.xadd(self._keys.skipped(story), fields, maxlen=MAX_SKIPPED, approximate=True)

    async def skipped(self, story: str, count: int | None = None) -> list[SkippedEntry]:
        """Skipped entries, newest first (all of them when ``count`` is None)."""
        raw = await self._redis.xrevrange(self._keys.skipped(story), count=count)
        return [_skipped(entry_id, fields) for entry_id, fields in raw]

    async def skipped_count(self, story: str) -> int:
        return int(await self._redis.xlen(self._keys.skipped(story)))

    async def forget_skipped(self, story: str, ids: list[str]) -> None:
        if ids:
            await self._redis.xdel(self._keys.skipped(story), *ids)


def _skipped(entry_id: bytes, fields: dict[bytes, bytes]) -> SkippedEntry:
    data = {k.decode(): v.decode() for k, v in fields.items()}
    return SkippedEntry(
        id=entry_id.decode(),
        link=data.get("link", ""),
        title=data.get("title", ""),
        summary=data.get("summary", ""),
        feed=data.get("feed", ""),
        at=data.get("at", ""),
    )
