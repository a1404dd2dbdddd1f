"""Feed entries waiting for a job, and the jobs each feed and host has in the queue (Redis).

* ``{p}wait:{f}`` zset, per feed: entry → when it was taken (oldest first); ``{p}waiting``
  set of the feeds that have such entries. Entries are added in the poll's transaction and
  leave only after their job is enqueued (deterministic job ids), so a crash in between
  repeats nothing and loses nothing.
* ``{p}out:feed:{f}`` and ``{p}out:host:{host}`` zsets: job id → when enqueued, for the jobs
  released and not finished. A job is finished when arq's job key is gone (arq deletes it
  when the job ends for good: done, failed, or out of tries); finished ids are pruned before
  each count, so the counts never drift, whatever crashed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from arq.constants import job_key_prefix
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from crawler.core.text import stable_hash
from crawler.models import ArticleJob, JobReason
from crawler.store.keys import Keys


@dataclass(frozen=True, slots=True)
class Waiting:
    """One entry to fetch: the job it becomes, and whose queue room it takes."""

    job_id: str
    story: str
    link: str
    kind: str  # "new" | "signal" (a JobReason)
    feed: str
    host: str

    @property
    def job(self) -> ArticleJob:
        return ArticleJob(self.story, self.link, JobReason(self.kind))

    def member(self) -> str:
        return json.dumps([self.job_id, self.story, self.link, self.kind, self.feed, self.host])

    @classmethod
    def parse(cls, raw: bytes) -> Waiting:
        job_id, story, link, kind, feed, host = json.loads(raw)
        return cls(job_id, story, link, kind, feed, host)


class WaitingRoom:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    def _wait(self, feed: str) -> str:
        return f"{self._keys.prefix}wait:{stable_hash(feed, size=8)}"

    @property
    def _feeds(self) -> str:
        return f"{self._keys.prefix}waiting"

    def feed_key(self, feed: str) -> str:
        return f"{self._keys.prefix}out:feed:{stable_hash(feed, size=8)}"

    def host_key(self, host: str) -> str:
        return f"{self._keys.prefix}out:host:{host}"

    def queue_wait(self, pipe: Pipeline, entries: Sequence[Waiting], now: float) -> None:
        """Add ``entries`` (in feed order) within the poll's transaction."""
        by_feed: dict[str, dict[str, float]] = {}
        for i, entry in enumerate(entries):
            by_feed.setdefault(entry.feed, {})[entry.member()] = now + i * 1e-6
        for feed, members in by_feed.items():
            pipe.zadd(self._wait(feed), members, nx=True)
            pipe.sadd(self._feeds, feed)

    async def feeds(self) -> list[str]:
        return sorted(m.decode() for m in await self._redis.smembers(self._feeds))

    async def oldest(self, feed: str, count: int) -> list[Waiting]:
        raw = await self._redis.zrange(self._wait(feed), 0, count - 1)
        return [Waiting.parse(m) for m in raw]

    async def waiting(self, feed: str | None = None) -> int:
        """Entries waiting (for one feed, or all)."""
        feeds = [feed] if feed else await self.feeds()
        async with self._redis.pipeline(transaction=False) as pipe:
            for name in feeds:
                pipe.zcard(self._wait(name))
            counts = await pipe.execute()
        return sum(int(c) for c in counts)

    async def outstanding(self, keys: Iterable[str]) -> dict[str, int]:
        """Unfinished jobs per ``out:`` key (finished ones pruned first)."""
        wanted = list(dict.fromkeys(keys))
        async with self._redis.pipeline(transaction=False) as pipe:
            for key in wanted:
                pipe.zrange(key, 0, -1)
            members = await pipe.execute()
        ids = [(key, m) for key, ms in zip(wanted, members, strict=True) for m in ms]
        async with self._redis.pipeline(transaction=False) as pipe:
            for _, job in ids:
                pipe.exists(job_key_prefix + job.decode())
            exists = await pipe.execute()
        counts = {key: len(ms) for key, ms in zip(wanted, members, strict=True)}
        async with self._redis.pipeline(transaction=False) as pipe:
            for (key, job), found in zip(ids, exists, strict=True):
                if not found:
                    pipe.zrem(key, job)
                    counts[key] -= 1
            await pipe.execute()
        return counts

    async def released(self, feed: str, entries: Sequence[Waiting], now: float) -> None:
        """``entries`` were enqueued: they take room until their jobs finish."""
        if not entries:
            return
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zrem(self._wait(feed), *(e.member() for e in entries))
            pipe.zadd(self.feed_key(feed), {e.job_id: now for e in entries})
            for entry in entries:
                pipe.zadd(self.host_key(entry.host), {entry.job_id: now})
            await pipe.execute()
        await self._forget_if_empty(feed)

    async def _forget_if_empty(self, feed: str) -> None:
        script = """
        if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[1]) end
        return 1
        """
        await self._redis.eval(script, 2, self._wait(feed), self._feeds, feed)
