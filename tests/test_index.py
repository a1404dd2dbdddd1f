"""The copy index on the real server: content-addressed fingerprints, one command per lookup
and insert, forgetting (retention) and stores written before issue 11."""

from __future__ import annotations

import random
from collections import Counter

from redis.asyncio import Redis

from crawler.core.dedup import BANDS, Fingerprint, band_keys, fingerprint
from crawler.core.text import sentences
from crawler.store import Store
from crawler.store.index import MAX_CANDIDATES, SENTENCE_BUCKET, content_key
from tests.newstexts import CHARGES, FOLLOW_UP, NEIGHBOUR, SAME_EVENT, WIRE, WIRE_TITLE

S = "story"
TEXT = "\n".join([WIRE_TITLE, *WIRE])
EDITED = TEXT.replace("164 people", "225 people")


async def _add(store: Store, doc: str, fp: Fingerprint) -> None:
    async with store.transaction() as pipe:
        store.index.queue_add(pipe, S, doc, fp)
        await pipe.execute()


async def _forget(store: Store, doc: str, fp: Fingerprint) -> None:
    async with store.transaction() as pipe:
        store.index.queue_forget(pipe, S, doc, fp)
        await pipe.execute()


async def _size(store: Store, *keys: str) -> int:
    return sum([int(await store.redis.memory_usage(key, samples=0) or 0) for key in keys])


def _same(a: Fingerprint, b: Fingerprint) -> bool:
    return a.to_bytes() == b.to_bytes()


async def test_an_exact_copy_is_stored_once_and_found(store: Store) -> None:
    fp, k = fingerprint(TEXT), store.keys
    await _add(store, "owner", fp)
    families = (k.signatures(S), k.fingerprints(S), k.holders(S))
    alone = await _size(store, *families)
    for copy in ("copy1", "copy2"):
        await _add(store, copy, fingerprint(TEXT.upper()))  # the same words: the same fp
    assert await _size(store, *families) - alone < 2 * 120  # a reference each, not ~4.7 KB
    assert await store.redis.hlen(k.fingerprints(S)) == 1
    assert await store.redis.hget(k.holders(S), fp_key(fp)) == b"owner copy1 copy2"
    stored = await store.index.fingerprints(S, ["owner", "copy1", "copy2", "other"])
    assert sorted(stored) == ["copy1", "copy2", "owner"]
    assert all(_same(found, fp) for found in stored.values())
    match = await store.index.find_copy(S, fp, 0.3)
    assert match is not None and (match.doc, match.similarity) == ("owner", 1.0)
    near = await store.index.find_copy(S, fingerprint(EDITED), 0.3)
    assert near is not None and near.doc == "owner" and near.rule == "verbatim"


async def test_forgetting_the_first_owner_hands_its_fields_to_a_copy(store: Store) -> None:
    fp, k = fingerprint(TEXT), store.keys
    for doc in ("owner", "copy1", "copy2"):
        await _add(store, doc, fp)
    await _forget(store, "owner", fp)
    assert await store.index.fingerprints(S, ["owner"]) == {}
    assert sorted(await store.index.fingerprints(S, ["copy1", "copy2"])) == ["copy1", "copy2"]
    match = await store.index.find_copy(S, fp, 0.3)
    assert match is not None and (match.doc, match.similarity) == ("copy1", 1.0)
    near = await store.index.candidates(S, fingerprint(EDITED))  # its buckets, anchors and
    assert [d for d, _ in near] == ["copy1"]  # sentence keys: copy2 is reached through copy1
    sentence_keys = await store.redis.hgetall(k.sentence_keys(S))
    assert sentence_keys and set(sentence_keys.values()) == {b"copy1"}
    bands = [
        await store.redis.hget(k.lsh(S, b), key) for b, key in enumerate(band_keys(fp.signature))
    ]
    assert set(bands) == {b"copy1"}
    assert set(await store.redis.hmget(k.anchors(S), list(fp.anchors))) == {b"copy1"}

    await _forget(store, "copy2", fp)  # a copy leaves: the heir keeps everything
    assert (await store.index.find_copy(S, fp, 0.3)).doc == "copy1"  # type: ignore[union-attr]
    await _forget(store, "copy1", fp)  # the last one: nothing of the text is left
    assert await store.index.find_copy(S, fp, 0.3) is None
    families = (k.exact(S), k.signatures(S), k.fingerprints(S), k.holders(S), k.anchors(S))
    for key in (*families, k.sentence_keys(S)):
        assert await store.redis.hlen(key) == 0
    assert all([await store.redis.hlen(k.lsh(S, b)) == 0 for b in range(BANDS)])


async def test_adding_again_is_idempotent_and_a_new_text_releases_the_old(store: Store) -> None:
    fp, k = fingerprint(TEXT), store.keys
    await _add(store, "seed", fp)
    await _add(store, "copy", fp)
    await _add(store, "seed", fp)  # the seed is indexed on every start
    await _add(store, "copy", fp)
    assert await store.redis.hget(k.holders(S), fp_key(fp)) == b"seed copy"
    edited = fingerprint(EDITED)
    await _add(store, "copy", edited)  # now holds another text: the first one keeps "seed"
    assert await store.redis.hget(k.holders(S), fp_key(fp)) == b"seed"
    stored = await store.index.fingerprints(S, ["seed", "copy"])
    assert _same(stored["seed"], fp) and _same(stored["copy"], edited)


async def test_a_store_written_before_issue_11_still_works(store: Store) -> None:
    fp, k = fingerprint(TEXT), store.keys
    await _add_the_old_way(store.redis, store, "owner", fp)
    await _add_the_old_way(store.redis, store, "copy1", fp)
    stored = await store.index.fingerprints(S, ["owner", "copy1"])
    assert sorted(stored) == ["copy1", "owner"] and _same(stored["copy1"], fp)
    match = await store.index.find_copy(S, fingerprint(EDITED), 0.3)
    assert match is not None and match.doc == "owner"
    await _add(store, "copy2", fp)  # a new copy: the owner's record moves to fp, once
    assert await store.redis.hget(k.holders(S), fp_key(fp)) == b"owner copy2"
    assert len(await store.redis.hget(k.signatures(S), "owner") or b"") < 100
    await _forget(store, "owner", fp)
    assert (await store.index.find_copy(S, fp, 0.3)).doc == "copy2"  # type: ignore[union-attr]
    await _forget(store, "copy1", fp)  # an old-layout copy leaves as it always did
    assert sorted(await store.index.fingerprints(S, ["copy1", "copy2"])) == ["copy2"]


async def test_the_ranking_is_the_one_computed_before_issue_11(store: Store) -> None:
    """Many overlapping texts (shared sentences, more than ``MAX_CANDIDATES`` candidates,
    ties): the lookup script ranks exactly as the previous Python code did."""
    texts = _corpus(140)
    for i, text in enumerate(texts[:120]):
        await _add(store, f"d{i:03}", fingerprint(text))
    await _add(store, "d000x", fingerprint(texts[0]))  # an exact copy among them
    longest = 0
    for text in texts[100:]:  # stored and fresh ones
        fp = fingerprint(text)
        expected = await _ranked_the_old_way(store, fp)
        assert [d for d, _ in await store.index.candidates(S, fp)] == expected
        longest = max(longest, len(expected))
    assert longest == MAX_CANDIDATES


async def test_inserts_index_what_they_indexed_before_issue_11(store: Store) -> None:
    """The exact hashes, buckets, anchors and sentence keys hold what the previous code wrote
    for the same inserts, but for byte-identical copies, which stay out of the sentence keys
    (their first stands for them); ``sig`` and the sentence keys are smaller."""
    old = Store(store.redis, f"{store.keys.prefix}old:")
    texts = _corpus(40)
    docs = [(f"d{i:02}", texts[i % 30]) for i in range(40)]  # d30…d39 copy d00…d09
    for i, (doc, text) in enumerate(docs):
        await _add(store, doc, fingerprint(text))
        await _add_the_old_way(store.redis, old, doc, fingerprint(text), sentences=i < 30)
    families = [lambda k: k.exact(S), lambda k: k.anchors(S), lambda k: k.sentence_keys(S)]
    families += [lambda k, b=b: k.lsh(S, b) for b in range(BANDS)]
    for family in families:
        new_fields = await store.redis.hgetall(family(store.keys))
        assert new_fields and new_fields == await store.redis.hgetall(family(old.keys))
    assert await _size(store, store.keys.signatures(S), store.keys.fingerprints(S)) < 0.8 * (
        await _size(store, old.keys.signatures(S))
    )


def _split(paragraphs: list[str]) -> list[str]:
    return [s for p in paragraphs for s in sentences(p)]


def fp_key(fp: Fingerprint) -> str:
    return content_key(fp.to_bytes())


def _corpus(count: int) -> list[str]:
    """Texts made of a shuffled handful of sentences from a shared pool (deterministic)."""
    pool = [s for text in (WIRE, SAME_EVENT, CHARGES, FOLLOW_UP, NEIGHBOUR) for s in _split(text)]
    rng = random.Random(11)
    return [" ".join(rng.sample(pool, rng.randint(3, 9))) for _ in range(count)]


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


async def _add_the_old_way(
    redis: Redis, store: Store, doc: str, fp: Fingerprint, sentences: bool = True
) -> None:
    """What ``queue_add`` wrote before issue 11 (its code, verbatim; ``sentences=False``: but
    the sentence keys)."""
    k = store.keys
    async with redis.pipeline(transaction=True) as pipe:
        pipe.hsetnx(k.exact(S), fp.exact, doc)
        pipe.hset(k.signatures(S), doc, fp.to_bytes())
        for band, key in enumerate(band_keys(fp.signature)):
            pipe.hsetnx(k.lsh(S, band), key, doc)
        for anchor in fp.anchors:
            pipe.hsetnx(k.anchors(S), anchor, doc)
        if fp.keys and sentences:
            pipe.eval(_REMEMBER, 1, k.sentence_keys(S), doc, *fp.keys, SENTENCE_BUCKET)
        await pipe.execute()


async def _ranked_the_old_way(store: Store, fp: Fingerprint) -> list[str]:
    """The candidates as the lookup ranked them before issue 11 (its code, verbatim), less
    those whose fingerprint is not stored."""
    k = store.keys
    async with store.redis.pipeline(transaction=False) as pipe:
        pipe.hget(k.exact(S), fp.exact)
        for band, key in enumerate(band_keys(fp.signature)):
            pipe.hget(k.lsh(S, band), key)
        pipe.hmget(k.anchors(S), list(fp.anchors) or [b"-"])
        pipe.hmget(k.sentence_keys(S), list(fp.keys) or [b"-"])
        found = await pipe.execute()
    if found[0]:
        return [found[0].decode()]
    banded = Counter(d for d in found[1 : 1 + BANDS] if d)
    anchored = Counter(d for d in found[-2] if d)
    sentenced = Counter(d for ids in found[-1] if ids for d in set(ids.split()))
    score = {
        d: 4 * banded[d] + anchored[d] + 2 * sentenced[d] for d in banded | anchored | sentenced
    }
    kept = [d for d in score if banded[d] or anchored[d] >= 2 or sentenced[d] >= 2]
    ranked = [d.decode() for d in sorted(kept, key=lambda d: (-score[d], d))[:MAX_CANDIDATES]]
    stored = await store.index.fingerprints(S, ranked)
    return [d for d in ranked if d in stored]
