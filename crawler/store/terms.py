"""Document frequencies learned online from every feed entry (for relevance idf).

``{p}df`` hash term → documents containing it, ``{p}df:docs`` documents counted. A poll's
entries are counted together: one script call for all their terms
(:func:`crawler.store.sums.queue_add`), one INCRBY for the documents.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from crawler.core.relevance import TermStats
from crawler.store.keys import Keys
from crawler.store.sums import queue_add


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
        counts: Counter[str] = Counter()
        docs = 0
        for terms in documents:
            docs += 1
            counts.update(terms)
        queue_add(pipe, {self._keys.df: counts}, integer=True)
        if docs:
            pipe.incrby(self._keys.df_docs, docs)
