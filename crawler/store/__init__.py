"""I/O: everything newswatch keeps, in Redis (or the embedded Valkey).

``Store`` bundles the per-concept stores that share one connection pool and one key prefix.
Redis errors surface as ``redis.exceptions.RedisError``; the callers that own a loop or a job
(scheduler, worker jobs, hook dispatcher, CLI) translate them into :class:`StoreError` or a
retry — see :func:`store_errors`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import TypeVar

from redis import exceptions as redis_errors
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from crawler.errors import StoreError
from crawler.redact import redact_url
from crawler.store.address import StoreAddress
from crawler.store.archive import ArchiveStore
from crawler.store.articles import ArticleStore
from crawler.store.commit import Decision, commit, decide
from crawler.store.deliveries import DeadLetter, DeliveryLog, HookState
from crawler.store.discovery import DiscoveryStore
from crawler.store.generations import Generations
from crawler.store.heartbeats import Heartbeats
from crawler.store.hosts import RedisHostState
from crawler.store.index import CopyIndex, CopyMatch
from crawler.store.keys import Keys, doc_id, url_doc
from crawler.store.liveness import Liveness
from crawler.store.outbox import Delivery, Outbox
from crawler.store.readouts import Readouts, queue_counts
from crawler.store.schedule import FeedState, Revisit, Schedule
from crawler.store.terms import TermStore
from crawler.store.timeline import TimelineStore
from crawler.store.tracked import TrackedArticle
from crawler.store.usage import Usage
from crawler.store.waiting import WaitingRoom
from crawler.store.writes import WriteSet

T = TypeVar("T")

__all__ = [
    "CopyMatch",
    "DeadLetter",
    "Delivery",
    "FeedState",
    "HookState",
    "Keys",
    "Revisit",
    "Store",
    "StoreAddress",
    "TrackedArticle",
    "WriteSet",
    "doc_id",
    "safe_url",
    "store_errors",
    "url_doc",
]


class Store:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.keys = Keys(prefix)
        self.articles = ArticleStore(redis, self.keys)
        self.index = CopyIndex(redis, self.keys)
        self.schedule = Schedule(redis, self.keys)
        self.outbox = Outbox(redis, self.keys)
        self.deliveries = DeliveryLog(redis, self.keys)
        self.terms = TermStore(redis, self.keys)
        self.hosts = RedisHostState(redis, self.keys)
        self.timeline = TimelineStore(redis, self.keys)
        self.discovery = DiscoveryStore(redis, self.keys)
        self.heartbeats = Heartbeats(redis, self.keys)
        self.readouts = Readouts(redis, self.keys)
        self.waiting = WaitingRoom(redis, self.keys)
        self.archive = ArchiveStore(redis, self.keys)
        self.generations = Generations(redis, self.keys)
        self.liveness = Liveness(redis, self.keys)
        self.usage = Usage(redis, self.keys)

    @classmethod
    async def connect(cls, address: str | StoreAddress, prefix: str) -> Store:
        """Connect to a URL, or to a :class:`StoreAddress` (the bundled server's follows its
        restarts)."""
        where = address if isinstance(address, StoreAddress) else StoreAddress(address)
        redis = where.redis()
        try:
            await redis.ping()
        except redis_errors.RedisError as exc:
            await redis.aclose()
            raise StoreError(f"cannot reach Redis at {where.shown}: {exc}") from exc
        return cls(redis, prefix)

    async def close(self) -> None:
        await self.hosts.close()
        await self.redis.aclose()

    async def ping(self) -> None:
        """Raises ``RedisError`` when the store does not answer."""
        await self.redis.ping()

    def transaction(self) -> Pipeline:
        """A MULTI/EXEC pipeline: use as ``async with store.transaction() as pipe``."""
        return self.redis.pipeline(transaction=True)

    async def commit(self, writes: WriteSet) -> None:
        """A stage's writes in one MULTI/EXEC (:mod:`crawler.store.commit`)."""
        await commit(self, writes)

    async def decide(
        self, story: str, claims: Iterable[str], decision: Decision[T], reads_first: bool = False
    ) -> T:
        """Run ``decision`` and commit its writes, again while racing jobs move ``claims``
        (:mod:`crawler.store.claims`: the optimistic guard instead of a story-wide lock;
        ``reads_first``: see :func:`crawler.store.commit.decide`)."""
        return await decide(self, story, claims, decision, reads_first)

    async def count(self, **counters: int) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            queue_counts(pipe, self.keys.stats, counters)
            await pipe.execute()

    async def stats(self) -> dict[str, int]:
        raw = await self.redis.hgetall(self.keys.stats)
        return {k.decode(): int(v) for k, v in raw.items()}


@contextlib.contextmanager
def store_errors(what: str) -> Iterator[None]:
    """Translate Redis failures into :class:`StoreError` naming what was being done."""
    try:
        yield
    except redis_errors.RedisError as exc:
        raise StoreError(f"{what}: Redis failed: {exc}") from exc


def safe_url(url: str) -> str:
    """The URL without its secrets, for messages (:func:`crawler.redact.redact_url`)."""
    return redact_url(url)
