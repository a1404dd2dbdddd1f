"""The copy index in Redis: exact text hashes, MinHash LSH bands, anchors and sentence keys.

Every worker process sees every article. A lookup is one command (the ``LOOKUP`` script of
:mod:`crawler.store.index_scripts`): the exact hash, the ``BANDS`` band buckets, the text's
anchors and sentence keys are read, the candidates ranked and at most ``MAX_CANDIDATES``
candidates' fingerprints returned, server-side. Its cost depends on the looked-up text, never
on how many articles are stored (``bench/dedup.py`` measures it at 1k, 10k and 100k). An
insert and a removal are one command each too (``ADD``, ``FORGET``), queued in the caller's
transaction.

Each bucket and each anchor remembers the *first* document that landed in it: a later copy
finds that one, and through it the cluster's representative. A sentence key is shared by
many articles of one story (a stock sentence, a common stem), so it remembers its latest
``SENTENCE_BUCKET`` documents. Only tracked articles (related and copies, and the seed) are
indexed; unrelated ones are not.

Fingerprints are content-addressed: a document's ``sig`` field is a reference to ``fp[content
key]`` (an xxh3 hash of the fingerprint's bytes), stored once however many byte-identical
copies there are; ``fp-docs`` lists the documents holding it, the first of which indexes the
text (an exact copy adds nothing but its reference: a lookup finds the first, which stands for
them all). When that first document is removed (retention) while copies remain, the next one
inherits its exact-hash, bucket, anchor and sentence-key entries, so the copies stay findable
exactly as before and nothing is lost. A store written before issue 11 needs no migration and
loses nothing: a ``sig`` field holding a whole fingerprint (a document indexed the old way) is
read, ranked and removed as before; new inserts use references, and the first copy of an old
owner's text moves that owner's fingerprint to ``fp``.

Memory per indexed article (``bench/dedup.py``): the fingerprint (signature 516 bytes, the
3-gram set 4 bytes a shingle, the sentence sketch ~4 bytes a content word), ``BANDS`` band
fields, about one anchor per ``ANCHOR_EVERY`` shingles and two sentence keys per sentence —
about 5 KB for a 350-word article. A byte-identical copy costs its reference (~40 bytes) and
its id in the text's ``fp-docs`` entry: under 0.1 KB, instead of ~4.2 KB before issue 11.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import xxhash
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from crawler.core.copies import Likeness, confirm
from crawler.core.dedup import BANDS, Fingerprint, band_keys
from crawler.store import index_scripts as lua
from crawler.store.index_scripts import MAX_CANDIDATES, MIN_ANCHOR_HITS, MIN_SENTENCE_HITS
from crawler.store.keys import Keys
from crawler.store.reads import Read, run

Candidates = list[tuple[str, Fingerprint]]  # (doc id, its stored fingerprint), ranked

__all__ = ["MAX_CANDIDATES", "MIN_ANCHOR_HITS", "MIN_SENTENCE_HITS", "CopyIndex", "CopyMatch"]

SENTENCE_BUCKET = 16  # a sentence key remembers its latest documents, at most this many


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
        self._lookup = redis.register_script(lua.LOOKUP)
        self._records = redis.register_script(lua.RECORDS)

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
        return matched(fp, await self.candidates(story, fp), min_resemblance)

    async def candidates(self, story: str, fp: Fingerprint) -> Candidates:
        """The exact match alone if there is one, else the ``MAX_CANDIDATES`` documents
        sharing most buckets, anchors and sentence keys with ``fp`` (ranked; ties: the
        document id), each with its stored fingerprint — those still indexed. One command
        (:data:`crawler.store.index_scripts.LOOKUP`)."""
        return await run(self._redis, self.candidates_read(story, fp))

    def candidates_read(self, story: str, fp: Fingerprint) -> Read[Candidates]:
        """:meth:`candidates` as a :class:`~crawler.store.reads.Read`."""
        k = self._keys
        keys = [k.exact(story), k.signatures(story), k.fingerprints(story), k.anchors(story)]
        keys += [k.sentence_keys(story), *self._bands(story)]
        args = [fp.exact, len(fp.anchors), *band_keys(fp.signature), *fp.anchors, *fp.keys]
        script = self._lookup

        def queue(pipe: Pipeline) -> None:
            pipe.evalsha(script.sha, len(keys), *keys, *args)

        def parse(replies: list[Any]) -> Candidates:
            reply = replies[0]
            exact = fp.exact if reply[0] else ""  # an exact match shares fp's exact hash
            if exact:  # the exact match: its fingerprint alone follows
                docs, raw = [reply[0]], reply[1:]
            else:
                docs, raw = reply[1::2], reply[2::2]
            return [
                (d.decode(), Fingerprint.from_bytes(exact, r))
                for d, r in zip(docs, raw, strict=True)
                if r
            ]

        return Read(queue, parse, (script,))

    async def fingerprints(self, story: str, docs: list[str]) -> dict[str, Fingerprint]:
        """The stored fingerprints of ``docs`` (those indexed; references resolved)."""
        if not docs:
            return {}
        keys = [self._keys.signatures(story), self._keys.fingerprints(story)]
        raw = await self._records(keys=keys, args=docs)
        return {d: Fingerprint.from_bytes("", r) for d, r in zip(docs, raw, strict=True) if r}

    def queue_add(self, pipe: Pipeline, story: str, doc: str, fp: Fingerprint) -> None:
        """Index ``doc`` (one command): existing bucket and anchor owners are kept (first seen
        wins); a byte-identical copy of an indexed fingerprint only refers to it."""
        k = self._keys
        keys = [
            *self._holding(story),
            k.anchors(story),
            k.sentence_keys(story),
            *self._bands(story),
        ]
        record = fp.to_bytes()
        args = [doc, fp.exact, content_key(record), record, SENTENCE_BUCKET, len(fp.anchors)]
        args += [*band_keys(fp.signature), *fp.anchors, *fp.keys]
        # EVAL, not a registered script: redis-py would send SCRIPT EXISTS before every
        # transaction holding one (a round trip), and an EVALSHA the server has forgotten (a
        # restarted store) fails inside EXEC after the rest of the transaction ran
        pipe.eval(lua.ADD, len(keys), *keys, *args)

    def queue_forget(self, pipe: Pipeline, story: str, doc: str, fp: Fingerprint) -> None:
        """Remove an archived ``doc`` (indexed with ``fp``; the retention sweep): its reference
        or signature, and every exact-hash, bucket, anchor and sentence-key entry that still
        names it — each passes to the next document holding the same fingerprint, if one is
        left."""
        k = self._keys
        keys = [*self._holding(story), k.anchors(story), k.sentence_keys(story)]
        keys += self._bands(story)
        args = [doc, fp.exact, len(fp.anchors), *band_keys(fp.signature), *fp.anchors, *fp.keys]
        pipe.eval(lua.FORGET, len(keys), *keys, *args)

    def _holding(self, story: str) -> list[str]:
        k = self._keys
        return [k.exact(story), k.signatures(story), k.fingerprints(story), k.holders(story)]

    def _bands(self, story: str) -> list[str]:
        return [self._keys.lsh(story, band) for band in range(BANDS)]

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


def content_key(record: bytes) -> str:
    """The key of a stored fingerprint (a byte-identical one has the same key; two different
    ones sharing a key are told apart by the insert script, which compares the bytes)."""
    return xxhash.xxh3_64_hexdigest(record)


def matched(fp: Fingerprint, stored: Candidates, min_resemblance: float) -> list[CopyMatch]:
    """``fp`` compared with each of the index's candidates (:meth:`CopyIndex.candidates`)."""
    found = dict(stored)
    verdicts = confirm(fp, list(found.values()), min_resemblance)
    return [CopyMatch(d, like, rule) for d, (rule, like) in zip(found, verdicts, strict=True)]
