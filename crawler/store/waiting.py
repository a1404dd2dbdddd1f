"""Feed entries waiting for a job, and the jobs each feed and host has in the queue (Redis).

* ``{p}wait:{f}`` zset, per feed: entry → when it was taken (oldest first); ``{p}waiting``
  set of the feeds that have such entries. Entries are added in the poll's transaction and
  leave only after their job is enqueued (deterministic job ids), so a crash in between
  repeats nothing and loses nothing.
* ``{p}out:feed:{f}`` and ``{p}out:host:{host}`` zsets: job id → when enqueued, for the jobs
  released and not finished. A job is finished when arq's job key is gone (arq deletes it
  when the job ends for good: done, failed, or out of tries); finished ids are pruned before
  each count, so the counts never drift, whatever crashed. An entry released in a batch job
  (several entries of one feed in one arq job, :mod:`crawler.store.queue`) holds its room as
  ``{batch id}#{i}`` (:func:`holders`) until the batch ends — the batch frees them as it
  ends (:meth:`WaitingRoom.finished`), the pruning catches what a crash left — and one the
  batch hands back as its own job holds it under its own id.
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

    def fields(self) -> list[str]:
        return [self.job_id, self.story, self.link, self.kind, self.feed, self.host]

    def member(self) -> str:
        return json.dumps(self.fields())

    @classmethod
    def from_fields(cls, fields: Sequence[str]) -> Waiting:
        job_id, story, link, kind, feed, host = fields
        return cls(job_id, story, link, kind, feed, host)

    @classmethod
    def parse(cls, raw: bytes) -> Waiting:
        return cls.from_fields(json.loads(raw))


BATCHED = "#"  # a batch entry's room: "{batch job id}#{i}"


def holders(batch_id: str, count: int) -> list[str]:
    """The names holding the room of a batch job's ``count`` entries."""
    return [f"{batch_id}{BATCHED}{i}" for i in range(count)]


def _job_of(holder: bytes) -> str:
    """The arq job a room holder waits for (itself, or the batch it is in)."""
    return holder.decode().partition(BATCHED)[0]


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
                pipe.exists(job_key_prefix + _job_of(job))
            exists = await pipe.execute()
        counts = {key: len(ms) for key, ms in zip(wanted, members, strict=True)}
        async with self._redis.pipeline(transaction=False) as pipe:
            for (key, job), found in zip(ids, exists, strict=True):
                if not found:
                    pipe.zrem(key, job)
                    counts[key] -= 1
            await pipe.execute()
        return counts

    async def released(
        self,
        feed: str,
        entries: Sequence[Waiting],
        now: float,
        held_by: Sequence[str] | None = None,
    ) -> None:
        """``entries`` were enqueued: they take room until their jobs finish. ``held_by``:
        the name holding each entry's room (default: its own job id)."""
        if not entries:
            return
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zrem(self._wait(feed), *(e.member() for e in entries))
            self._queue_hold(pipe, entries, now, held_by)
            await pipe.execute()
        await self._forget_if_empty(feed)

    async def hold(self, entries: Sequence[Waiting], now: float) -> None:
        """``entries`` are queued again as their own jobs: each holds its room by its id."""
        async with self._redis.pipeline(transaction=True) as pipe:
            self._queue_hold(pipe, entries, now, None)
            await pipe.execute()

    def _queue_hold(
        self, pipe: Pipeline, entries: Sequence[Waiting], now: float, held_by: Sequence[str] | None
    ) -> None:
        names = list(held_by) if held_by is not None else [e.job_id for e in entries]
        for key, members in self._rooms(entries, names).items():
            pipe.zadd(key, dict.fromkeys(members, now))

    async def finished(self, names: Sequence[str], entries: Sequence[Waiting]) -> None:
        """The jobs ``names`` (holding ``entries``' rooms, one each) ended: free their rooms."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for key, members in self._rooms(entries, names).items():
                pipe.zrem(key, *members)
            await pipe.execute()

    def _rooms(self, entries: Sequence[Waiting], names: Sequence[str]) -> dict[str, list[str]]:
        """The ``out:`` keys (each entry's feed and host) and the names holding rooms there."""
        by_key: dict[str, list[str]] = {}
        for entry, name in zip(entries, names, strict=True):
            by_key.setdefault(self.feed_key(entry.feed), []).append(name)
            by_key.setdefault(self.host_key(entry.host), []).append(name)
        return by_key

    async def _forget_if_empty(self, feed: str) -> None:
        script = """
        if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[1]) end
        return 1
        """
        await self._redis.eval(script, 2, self._wait(feed), self._feeds, feed)
