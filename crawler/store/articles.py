"""Tracked articles and their versions.

A version is stored once per distinct content of the article (keyed by the hash of its words),
compressed (packed JSON, :mod:`crawler.store.texts`): title, content hash, facts,
fetch/publication/modification times, the HTTP validators (ETag, Last-Modified) and its text —
which is stored once per story for every version and copy that has it
(:mod:`crawler.store.texts`; versions written before are read as they are). The article hash
points at the current version (``version``), counts the versions stored (``latest``: the next
one is ``latest + 1``, no version is read to number it) and maps each version's content hash to
its number (``h:{hash}`` fields; the versions stored before have theirs in ``{p}vh:{s}:{d}``);
returning to an earlier content moves the pointer back without a new version, so an A → B → A
flip-flop is remembered but never alerts twice. A newly tracked article's hash leaves out what
reads back the same (a canonical URL equal to the URL, an empty cluster or publication time).
Writers add their commands to a transaction (``queue_*``) so that the version, the article and
its events land together or not at all.

Every judged document has a verdict (``seen``): ``related``/``duplicate`` (tracked) or
``unrelated``, the latter with the content hash it was judged on, so a publisher's signal can
have it judged again when its text changed (see :mod:`crawler.stages.article.pipeline`).

First visits that kept failing are kept per story in a capped *retry-later* set (url, round →
due time) until :func:`crawler.stages.article.revisits.release_retries` enqueues them again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from crawler.models import Version
from crawler.store.generations import old
from crawler.store.keys import Keys, url_doc
from crawler.store.reads import Read, both, run
from crawler.store.texts import VersionTexts
from crawler.store.tracked import TrackedArticle, stored_fields

ByDoc = dict[str, TrackedArticle | None]  # doc id → its tracked article (None: not tracked)

HASH_FIELD = "h:"  # article hash field "h:{content hash}" → the version that had it


@dataclass(frozen=True, slots=True)
class RetryLater:
    """A first visit to try again: ``url`` in its ``round`` (1 = the first retry-later round)."""

    url: str
    round: int

    def member(self) -> str:
        return json.dumps([self.url, self.round])

    @classmethod
    def parse(cls, member: bytes) -> RetryLater:
        url, number = json.loads(member)
        return cls(url, int(number))


class ArticleStore:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys
        self.texts = VersionTexts(redis, keys)

    async def get(self, story: str, doc: str) -> TrackedArticle | None:
        return await run(self._redis, self.get_read(story, doc))

    def get_read(self, story: str, doc: str) -> Read[TrackedArticle | None]:
        """:meth:`get` as a :class:`~crawler.store.reads.Read`."""
        return Read(
            lambda pipe: pipe.hgetall(self._keys.article(story, doc)),
            lambda replies: TrackedArticle.parse(story, doc, replies[0]),
        )

    async def state(self, story: str, doc: str) -> tuple[TrackedArticle | None, str | None]:
        """The tracked article and its verdict (None: never judged), in one round trip."""
        return await run(self._redis, self._state_read(story, doc))

    async def doc_for_url(self, story: str, url: str) -> str:
        """The document a URL a user names is tracked as (through the link alias)."""
        link = url_doc(url)
        return await self.doc_for_link(story, link) or link

    async def doc_for_link(self, story: str, link_hash: str) -> str | None:
        found = await run(self._redis, self._alias_read(story, link_hash))
        return await self._carried(story, link_hash, *found)

    async def lookup(
        self, story: str, link_hash: str
    ) -> tuple[str, TrackedArticle | None, str | None]:
        """The document a link is tracked as (through its alias; the link's own when it has
        none), that tracked article and its verdict: :meth:`doc_for_link` and :meth:`state`
        in one round trip, two when the link is an alias of another document."""
        read = both(self._alias_read(story, link_hash), self._state_read(story, link_hash))
        alias, state = await run(self._redis, read)
        doc = await self._carried(story, link_hash, *alias) or link_hash
        return (doc, *state) if doc == link_hash else (doc, *await self.state(story, doc))

    async def get_many(self, story: str, docs: Iterable[str]) -> ByDoc:
        """:meth:`get` of each of ``docs``, in one round trip (none for no docs)."""
        return await run(self._redis, self.get_many_read(story, docs))

    def get_many_read(self, story: str, docs: Iterable[str]) -> Read[ByDoc]:
        """:meth:`get_many` as a :class:`~crawler.store.reads.Read`."""
        wanted = list(dict.fromkeys(docs))

        def queue(pipe: Pipeline) -> None:
            for doc in wanted:
                pipe.hgetall(self._keys.article(story, doc))

        def parse(raws: list[Any]) -> ByDoc:
            return {d: TrackedArticle.parse(story, d, r) for d, r in zip(wanted, raws, strict=True)}

        return Read(queue, parse)

    def judgement_read(self, story: str, doc: str) -> Read[tuple[str | None, str]]:
        """:meth:`judgement` as a :class:`~crawler.store.reads.Read`."""
        return Read(lambda pipe: self._queue_judgement(pipe, story, doc), _judged)

    async def _carried(
        self, story: str, link_hash: str, value: bytes | None, older: bytes | None
    ) -> str | None:
        """An alias found in the older generation only is in use: carried over to this one."""
        if value is None and older is not None:
            await self._redis.hset(self._keys.alias(story), link_hash, older)
            value = older
        return value.decode() if value else None

    def _alias_read(self, story: str, link_hash: str) -> Read[tuple[bytes | None, bytes | None]]:
        """The link's alias in this generation and in the older one."""
        key = self._keys.alias(story)

        def queue(pipe: Pipeline) -> None:
            pipe.hget(key, link_hash)
            pipe.hget(old(key), link_hash)

        return Read(queue, lambda replies: (replies[0], replies[1]))

    def _state_read(self, story: str, doc: str) -> Read[tuple[TrackedArticle | None, str | None]]:
        def queue(pipe: Pipeline) -> None:
            pipe.hgetall(self._keys.article(story, doc))
            self._queue_judgement(pipe, story, doc)

        def parse(replies: list[Any]) -> tuple[TrackedArticle | None, str | None]:
            return TrackedArticle.parse(story, doc, replies[0]), _judged(replies[1:])[0]

        return Read(queue, parse)

    async def verdict(self, story: str, doc: str) -> str | None:
        """``related`` | ``duplicate`` | ``unrelated`` | None (never judged)."""
        return (await self.judgement(story, doc))[0]

    async def judgement(self, story: str, doc: str) -> tuple[str | None, str]:
        """(verdict, content hash it was judged on — "" when not recorded)."""
        return await run(self._redis, self.judgement_read(story, doc))

    def _queue_judgement(self, pipe: Pipeline, story: str, doc: str) -> None:
        pipe.hget(self._keys.seen(story), doc)
        pipe.hget(self._keys.unrelated(story), doc)
        pipe.hget(old(self._keys.unrelated(story)), doc)

    async def version(self, story: str, doc: str, number: int) -> Version | None:
        return await self.texts.get(story, doc, number)

    async def count_versions(self, story: str, doc: str) -> int:
        """How many versions ``doc`` has (numbered 1…n); for articles stored before ``latest``."""
        return int(await self._redis.hlen(self._keys.versions(story, doc)))

    async def versions(self, story: str, doc: str) -> list[Version]:
        return sorted(await self.texts.all(story, doc), key=lambda v: v.number)

    async def number_for_hash(self, story: str, doc: str, content_hash: str) -> int | None:
        """The version of ``doc`` that had this content (in the article hash; in
        ``version_hashes`` for the versions stored before)."""
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hget(self._keys.article(story, doc), HASH_FIELD + content_hash)
            pipe.hget(self._keys.version_hashes(story, doc), content_hash)
            found = await pipe.execute()
        value = next((v for v in found if v), None)
        return int(value) if value else None

    async def tracked_docs(self, story: str) -> list[str]:
        return [d.decode() for d in await self._redis.zrange(self._keys.tracked(story), 0, -1)]

    async def tracked_before(self, story: str, until: float, offset: int, count: int) -> list[str]:
        """Up to ``count`` documents first seen by ``until``, oldest first, from ``offset``."""
        key = self._keys.tracked(story)
        raw = await self._redis.zrangebyscore(key, "-inf", until, start=offset, num=count)
        return [d.decode() for d in raw]

    def queue_track(self, pipe: Pipeline, article: TrackedArticle, version: Version) -> None:
        """A newly tracked article with its first version."""
        k = self._keys
        fields = stored_fields(article.fields()) | _current(version)
        pipe.hset(k.article(article.story, article.doc), mapping=fields)
        since = _epoch(article.first_seen)
        pipe.zadd(k.tracked(article.story), {article.doc: since}, nx=True)
        pipe.hset(k.seen(article.story), article.doc, article.verdict)
        self.texts.queue_put(pipe, article.story, article.doc, version)

    def queue_cluster(
        self, pipe: Pipeline, story: str, doc: str, cluster: str, verdict: str
    ) -> None:
        """Move a tracked article to another cluster (``cluster``: its representative, "" for
        its own) with the verdict that goes with it."""
        pipe.hset(self._keys.article(story, doc), mapping={"cluster": cluster, "verdict": verdict})
        pipe.hset(self._keys.seen(story), doc, verdict)

    def queue_version(self, pipe: Pipeline, story: str, doc: str, version: Version) -> None:
        """A new version, made the current one (and the latest)."""
        self.texts.queue_put(pipe, story, doc, version)
        pipe.hset(self._keys.article(story, doc), mapping=_current(version))

    def queue_current(
        self, pipe: Pipeline, story: str, doc: str, number: int, content_hash: str, title: str
    ) -> None:
        pipe.hset(
            self._keys.article(story, doc),
            mapping={"version": str(number), "content_hash": content_hash, "title": title},
        )

    async def publisher_stamps(self, story: str, doc: str) -> tuple[str, str]:
        """The latest (modified time, HTTP Last-Modified) the publisher showed for ``doc``."""
        raw = await self._redis.hmget(
            self._keys.article(story, doc), ["stamp_modified", "stamp_last_modified"]
        )
        return (raw[0] or b"").decode(), (raw[1] or b"").decode()

    def queue_publisher_stamps(
        self, pipe: Pipeline, story: str, doc: str, modified: str, last_modified: str
    ) -> None:
        pipe.hset(
            self._keys.article(story, doc),
            mapping={"stamp_modified": modified, "stamp_last_modified": last_modified},
        )

    async def pending_revisit(self, story: str, doc: str) -> int:
        """Number of the article's next scheduled revisit (0 until a revisit has run)."""
        value = await self._redis.hget(self._keys.article(story, doc), "revisit_next")
        return int(value) if value else 0

    def queue_pending_revisit(self, pipe: Pipeline, story: str, doc: str, number: int) -> None:
        pipe.hset(self._keys.article(story, doc), "revisit_next", str(number))

    def queue_verdict(
        self, pipe: Pipeline, story: str, doc: str, verdict: str, content: str = ""
    ) -> None:
        """Record a verdict; ``content``: the content hash judged (kept for ``unrelated``).
        Unrelated verdicts expire (generations, ``[retention] entries``); tracked ones stay
        until the article's archive is dropped."""
        key = self._keys.unrelated(story) if verdict == "unrelated" else self._keys.seen(story)
        pipe.hset(key, doc, f"{verdict} {content}".strip())

    def queue_retry_later(
        self, pipe: Pipeline, story: str, retry: RetryLater, due: float, cap: int
    ) -> None:
        """Keep a failed first visit for a later round; the set keeps the ``cap`` due last."""
        key = self._keys.retry_later(story)
        pipe.zadd(key, {retry.member(): due})
        pipe.zremrangebyrank(key, 0, -cap - 1)

    async def due_retries(self, story: str, now: float, limit: int = 500) -> list[RetryLater]:
        key = self._keys.retry_later(story)
        raw = await self._redis.zrangebyscore(key, "-inf", now, start=0, num=limit)
        return [RetryLater.parse(m) for m in raw]

    async def done_retries(self, story: str, retries: list[RetryLater]) -> None:
        if retries:
            await self._redis.zrem(self._keys.retry_later(story), *(r.member() for r in retries))

    async def pending_retries(self, story: str) -> dict[str, float]:
        """Every failed first visit waiting for a later round: url → due time."""
        raw = await self._redis.zrange(self._keys.retry_later(story), 0, -1, withscores=True)
        return {RetryLater.parse(m).url: float(due) for m, due in raw}

    def queue_alias(self, pipe: Pipeline, story: str, link_hash: str, doc: str) -> None:
        pipe.hset(self._keys.alias(story), link_hash, doc)


def _current(version: Version) -> dict[str, str]:
    """The article fields a new version sets: it is the current one and the latest, and its
    content hash leads to its number."""
    number = str(version.number)
    return {
        "version": number,
        "content_hash": version.content_hash,
        "title": version.title,
        "latest": number,
        HASH_FIELD + version.content_hash: number,
    }


def _epoch(iso: str) -> float:
    """Epoch seconds of an ISO time (now when it is missing or unreadable)."""
    try:
        return datetime.fromisoformat(iso).timestamp()
    except ValueError:
        return datetime.now().timestamp()


def _judged(found: list[bytes | None]) -> tuple[str | None, str]:
    value = next((v for v in found if v), None)
    if not value:
        return None, ""
    verdict, _, content = value.decode().partition(" ")
    return verdict, content
