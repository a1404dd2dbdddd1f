"""The copy index in Redis: exact text hashes, MinHash LSH bands, anchors and sentence keys.

Every worker process sees every article. A lookup is one pipelined round trip for the exact
hash, the ``BANDS`` band buckets, the text's anchors and its sentence keys (two ``HMGET``s),
plus one ``HMGET`` for at most ``MAX_CANDIDATES`` candidates' fingerprints: its cost depends
on the looked-up text, never on how many articles are stored (``bench/dedup.py`` measures it
at 1k, 10k and 100k).

Each bucket and each anchor remembers the *first* document that landed in it (``HSETNX``): a
later copy finds that one, and through it the cluster's representative. A sentence key is
shared by many articles of one story (a stock sentence, a common stem), so it remembers its
latest ``SENTENCE_BUCKET`` documents (one Lua ``EVAL`` per indexed article). Only tracked
articles (related and copies, and the seed) are indexed; unrelated ones are not.

Memory per indexed article (``bench/dedup.py``): the fingerprint (signature 516 bytes, the
3-gram set 4 bytes a shingle, the sentence sketch ~4 bytes a content word), ``BANDS`` band
fields, about one anchor per ``ANCHOR_EVERY`` shingles and two sentence keys per sentence —
about 5 KB for a 350-word article.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from crawler.core.copies import Likeness, confirm
from crawler.core.dedup import BANDS, Fingerprint, band_keys
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
MIN_SENTENCE_HITS = 2
SENTENCE_BUCKET = 16  # a sentence key remembers its latest documents, at most this many
# Puts doc ARGV[1] first in each field ARGV[2 .. n-1] of hash KEYS[1] ("d1 d2 …", newest
# first), keeping at most ARGV[n] ids per field.
_REMEMBER = """
local cap = tonumber(ARGV[#ARGV])
for i = 2, #ARGV - 1 do
  local ids = {ARGV[1]}
  local old = redis.call('HGET', KEYS[1], ARGV[i])
  if old then
    for id in string.gmatch(old, '%S+') do
      if id ~= ARGV[1] and #ids < cap then ids[#ids + 1] = id end
    end
  end
  redis.call('HSET', KEYS[1], ARGV[i], table.concat(ids, ' '))
end
return 0
"""


@dataclass(frozen=True, slots=True)
class CopyMatch:
    doc: str
    likeness: Likeness
    rule: str  # which copy rule holds (crawler.core.dedup.COPY_RULES), or "exact"

    @property
    def similarity(self) -> float:
        return round(max(self.likeness.similarity, self.likeness.containment), 4)


class CopyIndex:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    async def find_copy(
        self, story: str, fp: Fingerprint, min_resemblance: float
    ) -> CopyMatch | None:
        """The best confirmed copy of ``fp`` among indexed documents, if any (the one whose
        reporting is most alike; ties: the document id)."""
        found = await self.compare(story, fp, min_resemblance)
        copies = [m for m in found if m.rule]
        return strongest(copies)

    async def compare(self, story: str, fp: Fingerprint, min_resemblance: float) -> list[CopyMatch]:
        """``fp`` compared with each candidate the index proposes (``rule`` "" when it is
        not a copy of it)."""
        exact, candidates = await self._candidates(story, fp)
        docs = [exact] if exact else candidates
        stored = await self.fingerprints(story, docs)
        verdicts = confirm(fp, [stored[d] for d in docs if d in stored], min_resemblance)
        kept = [d for d in docs if d in stored]
        return [CopyMatch(d, like, rule) for d, (rule, like) in zip(kept, verdicts, strict=True)]

    async def fingerprints(self, story: str, docs: list[str]) -> dict[str, Fingerprint]:
        """The stored fingerprints of ``docs`` (those indexed)."""
        if not docs:
            return {}
        raw = await self._redis.hmget(self._keys.signatures(story), docs)
        return {d: Fingerprint.from_bytes("", r) for d, r in zip(docs, raw, strict=True) if r}

    async def _candidates(self, story: str, fp: Fingerprint) -> tuple[str, list[str]]:
        """(exact match or "", candidate docs ranked by how many buckets/anchors they share)."""
        k = self._keys
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hget(k.exact(story), fp.exact)
            for band, key in enumerate(band_keys(fp.signature)):
                pipe.hget(k.lsh(story, band), key)
            pipe.hmget(k.anchors(story), list(fp.anchors) or [b"-"])
            pipe.hmget(k.sentence_keys(story), list(fp.keys) or [b"-"])
            found = await pipe.execute()
        if found[0]:
            return found[0].decode(), []
        banded = Counter(d for d in found[1 : 1 + BANDS] if d)
        anchored = Counter(d for d in found[-2] if d)
        sentenced = Counter(d for ids in found[-1] if ids for d in set(ids.split()))
        # one agreeing band is strong evidence (J ≳ 0.2); one shared anchor or sentence key is
        # not (a common phrase, a stock sentence), two are: a text contained in another
        # shares ~1 anchor per 16 shingles, a re-spun copy most of its sentence keys
        score = {
            d: 4 * banded[d] + anchored[d] + 2 * sentenced[d] for d in banded | anchored | sentenced
        }
        kept = [
            d
            for d in score
            if banded[d] or anchored[d] >= MIN_ANCHOR_HITS or sentenced[d] >= MIN_SENTENCE_HITS
        ]
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
        if fp.keys:
            args = [doc, *fp.keys, SENTENCE_BUCKET]
            pipe.eval(_REMEMBER, 1, k.sentence_keys(story), *args)

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

    def queue_forget_member(self, pipe: Pipeline, story: str, rep: str, doc: str) -> None:
        pipe.lrem(self._keys.members(story, rep), 0, doc)

    def queue_forget_members(self, pipe: Pipeline, story: str, rep: str) -> None:
        """``rep`` no longer represents a cluster (its members moved to another)."""
        pipe.delete(self._keys.members(story, rep))

    async def members(self, story: str, rep: str) -> list[str]:
        return [m.decode() for m in await self._redis.lrange(self._keys.members(story, rep), 0, -1)]


def strongest(matches: list[CopyMatch]) -> CopyMatch | None:
    """The match whose reporting is most alike (exact first; ties: the document id)."""
    return max(matches, key=_strength) if matches else None


def _strength(match: CopyMatch) -> tuple[float, float, float, str]:
    like = match.likeness
    return (float(like.exact), like.covered + like.covered_other, like.similarity, match.doc)
