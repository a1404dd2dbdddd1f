"""A tracked article's hash: written in one command, without what reads back the same, and
leading from a content hash to its version (old articles' ``vh`` hashes still read)."""

from __future__ import annotations

from dataclasses import replace

from crawler.store import Store
from tests.test_version_texts import _article, _track, _version


async def test_a_tracked_article_reads_back_as_it_was_written(store: Store) -> None:
    plain = await _track(store, "d1", _version())
    stored = await store.redis.hgetall(store.keys.article("s", "d1"))
    assert not {b"canonical_url", b"cluster", b"published"} & set(stored)  # as get() reads them
    assert await store.articles.get("s", "d1") == replace(plain, latest=1)

    version = _version()
    copy = replace(_article("d2", version), canonical_url="https://news.example/amp/d2")
    copy = replace(copy, cluster="d1", verdict="duplicate", published="2022-01-09T09:00:00+00:00")
    async with store.transaction() as pipe:
        store.articles.queue_track(pipe, copy, version)
        await pipe.execute()
    assert await store.articles.get("s", "d2") == replace(copy, latest=1)


async def test_a_content_hash_leads_to_its_version_in_either_layout(store: Store) -> None:
    await _track(store, "d1", _version())
    second = _version(number=2, title="Kazakhstan: the airport reopens")
    async with store.transaction() as pipe:
        store.articles.queue_version(pipe, "s", "d1", second)
        await pipe.execute()
    assert await store.articles.number_for_hash("s", "d1", _version().content_hash) == 1
    assert await store.articles.number_for_hash("s", "d1", second.content_hash) == 2
    assert await store.articles.number_for_hash("s", "d1", "unknown") is None
    assert not await store.redis.exists(store.keys.version_hashes("s", "d1"))
    # an article stored before: its version hashes in their own hash
    await store.redis.hset(store.keys.version_hashes("s", "d0"), "old-hash", "3")
    assert await store.articles.number_for_hash("s", "d0", "old-hash") == 3
