"""Version texts are stored once per content and kept while a version points at them.

Byte-identical copies share one stored text; archiving a copy takes its reference away and the
text goes with the last version that points at it. Versions stored before texts were shared
(the whole version in one record) are still read, and archiving them never touches a shared
text.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from crawler.errors import StoreError
from crawler.models import Fact, Version
from crawler.store import Store, TrackedArticle
from crawler.store.texts import (
    INLINE,
    PACKED,
    POINTER,
    SHARED,
    body_id,
    encode_version,
    meta_id,
    version_fields,
)

TEXT = (
    "Almaty airport reopened on Sunday after five days of unrest, officials said. "
    "At least 164 people were killed and about 8,000 detained, the ministry reported. "
) * 4
WHEN = datetime(2022, 1, 9, 9, tzinfo=UTC)


def _version(text: str = TEXT, number: int = 1, title: str = "Unrest in Kazakhstan") -> Version:
    return Version(
        number=number,
        content_hash=f"h{number}{len(text)}{title[:3]}",
        title=title,
        text=text,
        facts=(Fact("killed", "people", 164.0, "at least", "At least 164 people were killed"),),
        fetched_at=WHEN,
        published=WHEN,
        etag='"v1"',
        last_modified="Sun, 09 Jan 2022 08:00:00 GMT",
    )


def _article(doc: str, version: Version) -> TrackedArticle:
    return TrackedArticle(
        story="s",
        doc=doc,
        url=f"https://news.example/{doc}",
        canonical_url=f"https://news.example/{doc}",
        title=version.title,
        source="news.example",
        verdict="related",
        cluster="",
        version=version.number,
        content_hash=version.content_hash,
        first_seen=WHEN.isoformat(),
    )


async def _track(store: Store, doc: str, version: Version) -> TrackedArticle:
    article = _article(doc, version)
    async with store.transaction() as pipe:
        store.articles.queue_track(pipe, article, version)
        await pipe.execute()
    return article


async def _archive(store: Store, article: TrackedArticle) -> None:
    versions = await store.articles.versions(article.story, article.doc)
    async with store.transaction() as pipe:
        store.archive.queue_archive(pipe, article, versions, WHEN.timestamp())
        await pipe.execute()


async def _stored(store: Store) -> tuple[dict[bytes, bytes], dict[bytes, bytes]]:
    texts = await store.redis.hgetall(store.keys.texts("s"))
    refs = await store.redis.hgetall(store.keys.text_refs("s"))
    return texts, refs


async def test_byte_identical_copies_share_one_text_until_the_last_is_archived(
    store: Store,
) -> None:
    later = replace(_version(), fetched_at=datetime.now(UTC))  # the copy, fetched later
    first = await _track(store, "d1", _version())
    second = await _track(store, "d2", later)
    body, meta = body_id(TEXT), meta_id(_version())
    texts, refs = await _stored(store)
    assert sorted(texts) == sorted([body, meta])  # one text, one set of shared fields
    assert refs == {body: b"1", meta: b"1"}  # one more version on each
    for doc in ("d1", "d2"):
        read = await store.articles.version("s", doc, 1)
        assert read is not None and read.text == TEXT
        assert (read.etag, read.facts) == ('"v1"', _version().facts)
    assert await store.articles.versions("s", "d2") == [later]

    await _archive(store, first)
    texts, refs = await _stored(store)
    assert sorted(texts) == sorted([body, meta]) and refs == {}  # the copy still points at it
    kept = await store.articles.version("s", "d2", 1)
    assert kept is not None and kept.text == TEXT
    archived = await store.archive.get("s", "d1")
    assert archived is not None and archived["last"]["text"] == TEXT  # an archive keeps its own

    await _archive(store, second)
    assert await _stored(store) == ({}, {})  # the last version pointing at it is gone
    assert await store.articles.versions("s", "d2") == []


async def test_a_text_shared_three_times_goes_with_its_last_version(store: Store) -> None:
    copies = [await _track(store, f"d{n}", _version()) for n in range(3)]
    assert (await _stored(store))[1] == {body_id(TEXT): b"2", meta_id(_version()): b"2"}
    records = await store.redis.hvals(store.keys.versions("s", "d1"))
    assert len(records[0]) < 100  # a copy's record: its ids and its own fields
    for n, copy in enumerate(copies):
        await _archive(store, copy)
        texts, _ = await _stored(store)
        assert len(texts) == (2 if n < 2 else 0)
    assert await _stored(store) == ({}, {})


async def test_versions_of_one_article_with_the_same_text_share_it(store: Store) -> None:
    article = await _track(store, "d1", _version())
    retitled = _version(number=2, title="Kazakhstan: the airport reopens")
    async with store.transaction() as pipe:
        store.articles.queue_version(pipe, "s", "d1", retitled)
        await pipe.execute()
    texts, refs = await _stored(store)
    assert len(texts) == 3 and refs == {body_id(TEXT): b"1"}  # one text, two titles
    versions = await store.articles.versions("s", "d1")
    assert [(v.number, v.title, v.text) for v in versions] == [
        (1, "Unrest in Kazakhstan", TEXT),
        (2, "Kazakhstan: the airport reopens", TEXT),
    ]
    current = await store.articles.get("s", "d1")
    assert current is not None
    assert (current.version, current.latest, current.title) == (2, 2, retitled.title)
    await _archive(store, replace(article, version=2))
    assert await _stored(store) == ({}, {})


async def test_a_version_stored_before_texts_were_shared_is_still_read(store: Store) -> None:
    old = _version()
    await store.redis.hset(store.keys.versions("s", "d0"), "1", encode_version(old))  # old layout
    await store.redis.hset(store.keys.article("s", "d0"), mapping=_article("d0", old).fields())
    assert await store.articles.version("s", "d0", 1) == old
    assert await store.articles.versions("s", "d0") == [old]

    copy = await _track(store, "d1", _version())  # a new copy of the same text: stored once
    texts, refs = await _stored(store)
    assert len(texts) == 2 and refs == {}
    await _archive(store, _article("d0", old))  # the old record held no reference to give back
    assert len((await _stored(store))[0]) == 2
    assert (await store.articles.version("s", "d1", 1)) == _version()
    await _archive(store, copy)
    assert await _stored(store) == ({}, {})


async def test_a_short_text_stays_in_its_version(store: Store) -> None:
    short = _version(text="Airport reopened.")
    assert len(short.text) < INLINE
    await _track(store, "d1", short)
    assert await _stored(store) == ({}, {})
    assert await store.articles.version("s", "d1", 1) == short


async def test_a_missing_text_is_a_store_error_not_an_empty_version(store: Store) -> None:
    await _track(store, "d1", _version())
    await store.redis.delete(store.keys.texts("s"))
    with pytest.raises(StoreError, match="missing"):
        await store.articles.version("s", "d1", 1)
    assert await store.articles.version("s", "d1", 2) is None


async def test_a_pointer_record_as_written_before_is_still_read(store: Store) -> None:
    """Before a version's shared fields were stored apart, a long text's record was ``@`` +
    the body id + the rest of the version (plain zlib JSON, before records were packed); it
    reads as it did, and it and a new copy of its text let the text go when both are gone."""
    fields = version_fields(_version())
    del fields["text"]
    old = POINTER + body_id(TEXT) + zlib.compress(json.dumps(fields).encode())
    await store.redis.hset(store.keys.versions("s", "d0"), "1", old)
    await store.redis.hset(store.keys.texts("s"), body_id(TEXT), zlib.compress(TEXT.encode()))
    assert await store.articles.version("s", "d0", 1) == _version()
    copy = await _track(store, "d1", _version())
    record = await store.redis.hget(store.keys.versions("s", "d1"), "1")
    assert record is not None and record.startswith(SHARED) and len(record) < len(old) / 3
    assert record[1 + 32 : 2 + 32] == PACKED
    assert await store.articles.versions("s", "d1") == [_version()]
    await _archive(store, _article("d0", _version()))
    assert await store.articles.version("s", "d1", 1) == _version()
    await _archive(store, copy)
    assert await _stored(store) == ({}, {})


async def test_missing_shared_fields_are_a_store_error(store: Store) -> None:
    await _track(store, "d1", _version())
    await store.redis.hdel(store.keys.texts("s"), meta_id(_version()))
    with pytest.raises(StoreError, match=r"fields .* missing"):
        await store.articles.versions("s", "d1")
