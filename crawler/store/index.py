"""The copy index in Redis: exact text hashes, MinHash LSH bands and anchors, per story.

Every worker process sees every article. A lookup is one pipelined round trip for the exact
hash, the ``BANDS`` band buckets and the text's anchors (one ``HMGET``), plus one ``HMGET`` for
at most ``MAX_CANDIDATES`` candidates' signatures: its cost depends on the looked-up text,
never on how many articles are stored (``bench/dedup.py`` measures it at 1k, 10k and 100k).

Each bucket and each anchor remembers the *first* document that landed in it (``HSETNX``): a
later copy finds that one, and through it the cluster's representative. Only tracked articles
(related and copies, and the seed) are indexed; unrelated ones are not.

Memory per indexed article: one signature (516 bytes) plus ``BANDS`` band fields and about one
anchor field per ``ANCHOR_EVERY`` shingles (~60 for an 800-word article).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from crawler.core.dedup import BANDS, Fingerprint, band_keys, confirm
from crawler.store.keys import Keys

MAX_CANDIDATES = 32
# KEYS: hashes; ARGV[1] doc, then per key one field: delete each field that still names doc
_DELETE_IF = """
for i, key in ipairs(KEYS) do
  if redis.call('HGET', key, ARGV[i + 1]) == ARGV[1] then redis.call('HDEL', key, ARGV[i + 1]) end
end
return 1
"""
MIN_ANCHOR_HITS = 2


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
        exact, candidates = await self._candidates(story, fp)
        if exact:
            return CopyMatch(exact, 1.0)
        if not candidates:
            return None
        raw = await self._redis.hmget(self._keys.signatures(story), candidates)
        stored = [
            (d, Fingerprint.from_bytes("", r)) for d, r in zip(candidates, raw, strict=True) if r
        ]
        verdicts = confirm(fp, [f for _, f in stored], min_resemblance)
        best: CopyMatch | None = None
        for (doc, _), (copy, similarity) in zip(stored, verdicts, strict=True):
            if copy and (best is None or similarity > best.similarity):
                best = CopyMatch(doc, similarity)
        return best

    async def _candidates(self, story: str, fp: Fingerprint) -> tuple[str, list[str]]:
        """(exact match or "", candidate docs ranked by how many buckets/anchors they share)."""
        k = self._keys
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hget(k.exact(story), fp.exact)
            for band, key in enumerate(band_keys(fp.signature)):
                pipe.hget(k.lsh(story, band), key)
            if fp.anchors:
                pipe.hmget(k.anchors(story), list(fp.anchors))
            found = await pipe.execute()
        if found[0]:
            return found[0].decode(), []
        banded = Counter(d for d in found[1 : 1 + BANDS] if d)
        anchored = Counter(d for d in (found[-1] if fp.anchors else []) if d)
        # one agreeing band is strong evidence (J ≳ 0.2); one shared anchor is not (a common
        # phrase), two are: a text contained in another shares ~1 anchor per 16 shingles
        score = {d: 4 * banded[d] + anchored[d] for d in banded | anchored}
        kept = [d for d in score if banded[d] or anchored[d] >= MIN_ANCHOR_HITS]
        ranked = sorted(kept, key=lambda d: (-score[d], d))[:MAX_CANDIDATES]
        return "", [d.decode() for d in ranked]

    def queue_add(self, pipe: Pipeline, story: str, doc: str, fp: Fingerprint) -> None:
        """Index ``doc``; existing bucket and anchor owners are kept (first seen wins)."""
        k = self._keys
        pipe.hsetnx(k.exact(story), fp.exact, doc)
        pipe.hset(k.signatures(story), doc, fp.to_bytes())
        for band, key in enumerate(band_keys(fp.signature)):
            pipe.hsetnx(k.lsh(story, band), key, doc)
        for anchor in fp.anchors:
            pipe.hsetnx(k.anchors(story), anchor, doc)

    def queue_forget(self, pipe: Pipeline, story: str, doc: str, fp: Fingerprint) -> None:
        """Remove an archived ``doc`` (indexed with ``fp``): every exact-hash, bucket and
        anchor field that still names it, and its signature (the retention sweep)."""
        k = self._keys
        fields = [(k.exact(story), fp.exact)]
        fields += [(k.lsh(story, b), key) for b, key in enumerate(band_keys(fp.signature))]
        fields += [(k.anchors(story), anchor) for anchor in fp.anchors]
        pipe.eval(_DELETE_IF, len(fields), *(f[0] for f in fields), doc, *(f[1] for f in fields))
        pipe.hdel(k.signatures(story), doc)

    def queue_member(self, pipe: Pipeline, story: str, rep: str, doc: str) -> None:
        pipe.rpush(self._keys.members(story, rep), doc)

    async def members(self, story: str, rep: str) -> list[str]:
        return [m.decode() for m in await self._redis.lrange(self._keys.members(story, rep), 0, -1)]
