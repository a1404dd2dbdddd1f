"""Many hash fields incremented in one script call: the same sums as one command per field.

Document frequencies (integers) and the grown profile's weights (floats) are added with
:func:`crawler.store.sums.queue_add`; what was stored before by ``HINCRBY`` and
``HINCRBYFLOAT`` (including their long fixed-point decimals) is added to as it is.
"""

from __future__ import annotations

import math

from crawler.core.profile import Contribution
from crawler.store import Store
from crawler.store.sums import CHUNK, queue_add


async def test_integer_sums_add_to_what_hincrby_stored(store: Store) -> None:
    key = store.keys.df
    await store.redis.hincrby(key, "old", 5)
    many = {f"t{n}": n % 3 + 1 for n in range(CHUNK * 2 + 7)}  # more fields than one chunk
    async with store.transaction() as pipe:
        queue_add(pipe, {key: {"old": 2, "new": 1, **many}}, integer=True)
        pipe.hincrby(key, "new", 1)  # HINCRBY still works on what the script wrote
        await pipe.execute()
    stored = {k.decode(): v.decode() for k, v in (await store.redis.hgetall(key)).items()}
    assert stored == {"old": "7", "new": "2", **{t: str(n) for t, n in many.items()}}


async def test_learning_counts_each_documents_terms_once_per_document(store: Store) -> None:
    async with store.transaction() as pipe:
        store.terms.queue_learn(pipe, [{"flood", "derna"}, {"flood"}, set()])
        await pipe.execute()
    stats = await store.terms.stats({"flood", "derna", "libya"})
    assert (stats.docs, stats.df) == (3, {"flood": 2, "derna": 1})


async def test_float_sums_read_back_as_the_doubles_added(store: Store) -> None:
    key = store.keys.grown("story")
    # what HINCRBYFLOAT left for a forward-decayed weight: a 111-digit fixed-point decimal
    huge = 2.9739620818710883e110
    await store.redis.hincrbyfloat(key, "konzept", huge)
    await store.redis.hincrbyfloat(key, "born", 0.1)
    before = {k: float(v) for k, v in (await store.redis.hgetall(key)).items()}
    amounts = {"konzept": huge, "born": 1e-20, "fresh": 0.1 + 0.2, "tiny": 3e-30}
    async with store.transaction() as pipe:
        queue_add(pipe, {key: amounts})
        await pipe.execute()
    raw = {k.decode(): v.decode() for k, v in (await store.redis.hgetall(key)).items()}
    assert float(raw["konzept"]) == before[b"konzept"] + huge
    assert len(raw["konzept"]) < 30  # 17 significant digits, not 111
    assert float(raw["born"]) == before[b"born"] + 1e-20
    assert float(raw["fresh"]) == 0.1 + 0.2
    assert float(raw["tiny"]) == 3e-30  # HINCRBYFLOAT would have kept "0"


async def test_a_sum_that_would_not_be_finite_leaves_its_field(store: Store) -> None:
    key = store.keys.grown("story")
    await store.redis.hset(key, mapping={"big": repr(1.5e308), "ok": "1"})
    async with store.transaction() as pipe:
        queue_add(pipe, {key: {"big": 1.5e308, "ok": 1.0}})
        await pipe.execute()
    raw = await store.redis.hgetall(key)
    assert float(raw[b"big"]) == 1.5e308 and float(raw[b"ok"]) == 2.0
    assert all(math.isfinite(float(v)) for v in raw.values())


async def test_a_related_article_grows_the_profile_in_one_call(store: Store) -> None:
    first = Contribution({"flood": 0.6, "dam": 0.4}, {"Derna": 1.0}, 1.0)
    second = Contribution({"flood": 0.5, "aid": 0.5}, {"Derna": 2.0, "Libya": 2.0}, 2.0)
    async with store.transaction() as pipe:
        store.discovery.queue_grow(pipe, "story", first, landmark=1_700_000_000.0)
        store.discovery.queue_grow(pipe, "story", second, landmark=1_800_000_000.0)
        await pipe.execute()
    profile, landmark = await store.discovery.profile("story")
    assert landmark == 1_700_000_000.0  # the first one stays
    assert dict(profile.terms) == {"flood": 0.6 + 0.5, "dam": 0.4, "aid": 0.5}
    assert dict(profile.names) == {"Derna": 3.0, "Libya": 2.0}
    assert profile.mass == 3.0
