"""The copy index in Redis: exact text hashes and MinHash LSH bands, per story.

Every worker process sees every article. A lookup is one pipelined round trip for the exact
hash and the band buckets (``BANDS`` field reads) plus one for the candidates' signatures, so
its cost does not grow with the number of stored articles. Each bucket remembers the first
document that landed in it: a later copy finds that one, and through it the cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from crawler.core.dedup import Fingerprint, band_keys, is_copy
from crawler.store.keys import Keys


@dataclass(frozen=True, slots=True)
class CopyMatch:
    doc: str
    similarity: float


class CopyIndex:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    async def find_copy(
        self, story: str, fp: Fingerprint, min_resemblance: float
    ) -> CopyMatch | None:
        """The best confirmed copy of ``fp`` among indexed documents, if any."""
        k = self._keys
        bands = band_keys(fp.signature)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hget(k.exact(story), fp.exact)
            for band, key in enumerate(bands):
                pipe.hget(k.lsh(story, band), key)
            found = await pipe.execute()
        if found[0]:
            return CopyMatch(found[0].decode(), 1.0)
        candidates = sorted({c.decode() for c in found[1:] if c})
        if not candidates:
            return None
        signatures = await self._redis.hmget(k.signatures(story), candidates)
        best: CopyMatch | None = None
        for doc, raw in zip(candidates, signatures, strict=True):
            if not raw:
                continue
            copy, similarity = is_copy(fp, Fingerprint.from_bytes("", raw), min_resemblance)
            if copy and (best is None or similarity > best.similarity):
                best = CopyMatch(doc, similarity)
        return best

    def queue_add(self, pipe: Pipeline, story: str, doc: str, fp: Fingerprint) -> None:
        """Index ``doc``; existing bucket owners are kept (first seen wins)."""
        k = self._keys
        pipe.hsetnx(k.exact(story), fp.exact, doc)
        pipe.hset(k.signatures(story), doc, fp.to_bytes())
        for band, key in enumerate(band_keys(fp.signature)):
            pipe.hsetnx(k.lsh(story, band), key, doc)

    def queue_member(self, pipe: Pipeline, story: str, rep: str, doc: str) -> None:
        pipe.rpush(self._keys.members(story, rep), doc)

    async def members(self, story: str, rep: str) -> list[str]:
        return [m.decode() for m in await self._redis.lrange(self._keys.members(story, rep), 0, -1)]
