"""Document frequencies learned online from every feed entry (for relevance idf)."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from crawler.core.relevance import TermStats
from crawler.store.keys import Keys


class TermStore:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    async def stats(self, terms: Collection[str]) -> TermStats:
        """Document frequencies of ``terms`` and the number of documents counted."""
        ordered = sorted(terms)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.get(self._keys.df_docs)
            if ordered:
                pipe.hmget(self._keys.df, ordered)
            reply = await pipe.execute()
        counts = reply[1] if ordered else []
        df = {t: int(c) for t, c in zip(ordered, counts, strict=True) if c is not None}
        return TermStats(docs=int(reply[0] or 0), df=df)

    def queue_learn(self, pipe: Pipeline, documents: Iterable[Collection[str]]) -> None:
        """Count each document's distinct terms once."""
        docs = 0
        for terms in documents:
            docs += 1
            for term in terms:
                pipe.hincrby(self._keys.df, term, 1)
        if docs:
            pipe.incrby(self._keys.df_docs, docs)
