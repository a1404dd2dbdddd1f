"""Archived articles: the compact form a tracked article takes when retention retires it.

``{p}archive:{s}`` hash doc → zlib JSON of the article record, its **last version** (text
included: an archive holds its own copy) and the **history** of every version without its
text (number, time, content hash, title, facts — what its ``article.updated`` /
``fact.revised`` events reported); ``{p}archived:{s}`` zset doc → when it was archived.
Archiving deletes the article hash, its versions (and every shared version text no other
version points at, :meth:`crawler.store.texts.VersionTexts.queue_release`), version hashes,
its place in ``tracked`` and in its cluster's member list, and its copy-index entries
(:meth:`crawler.store.index.CopyIndex.queue_forget`); its verdict stays in ``seen``, so the
same link is never judged (nor alerted) again while the archive is kept. Dropping the archive
deletes the verdict too: the link is then unknown.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from crawler.models import Version
from crawler.store.keys import Keys
from crawler.store.texts import VersionTexts, version_fields
from crawler.store.tracked import TrackedArticle


def compact(article: TrackedArticle, versions: list[Version]) -> bytes:
    last = max(versions, key=lambda v: v.number)
    history = [
        {
            "number": v.number,
            "content_hash": v.content_hash,
            "title": v.title,
            "fetched_at": v.fetched_at.isoformat(),
            "modified": v.modified.isoformat() if v.modified else None,
            "facts": [f.to_json() for f in v.facts],
        }
        for v in sorted(versions, key=lambda v: v.number)
    ]
    record = {
        "article": article.fields(),
        "last": version_fields(last),  # the version's own fields
        "history": history,
    }
    return zlib.compress(json.dumps(record, ensure_ascii=False).encode("utf-8"), 9)


def expand(raw: bytes) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(zlib.decompress(raw))
    return data


class ArchiveStore:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys
        self._texts = VersionTexts(redis, keys)

    def queue_archive(
        self, pipe: Pipeline, article: TrackedArticle, versions: list[Version], now: float
    ) -> None:
        k, story, doc = self._keys, article.story, article.doc
        pipe.hset(k.archive(story), doc, compact(article, versions))
        pipe.zadd(k.archived(story), {doc: now})
        pipe.delete(k.article(story, doc), k.version_hashes(story, doc))
        self._texts.queue_release(pipe, story, doc)  # the versions, and texts none points at
        pipe.zrem(k.tracked(story), doc)
        if article.cluster:
            pipe.lrem(k.members(story, article.cluster), 0, doc)

    async def expired(self, story: str, before: float, limit: int) -> list[str]:
        raw = await self._redis.zrangebyscore(
            self._keys.archived(story), "-inf", before, start=0, num=limit
        )
        return [d.decode() for d in raw]

    def queue_drop(self, pipe: Pipeline, story: str, doc: str) -> None:
        k = self._keys
        pipe.hdel(k.archive(story), doc)
        pipe.zrem(k.archived(story), doc)
        pipe.hdel(k.seen(story), doc)

    async def get(self, story: str, doc: str) -> dict[str, Any] | None:
        raw = await self._redis.hget(self._keys.archive(story), doc)
        return expand(raw) if raw else None

    async def count(self, story: str) -> int:
        return int(await self._redis.zcard(self._keys.archived(story)))
