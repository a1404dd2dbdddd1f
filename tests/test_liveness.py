"""A dead worker's jobs are released: its arq in-progress marks go, a live worker's stay."""

from __future__ import annotations

from arq.constants import in_progress_key_prefix

from crawler.store import Store


async def test_the_jobs_of_a_worker_whose_heartbeat_expired_are_released(store: Store) -> None:
    jobs = {w: [f"{store.keys.prefix}job:{w}:{i}" for i in range(3)] for w in ("dead", "live")}
    for worker, ids in jobs.items():
        await store.liveness.beat(worker, ids[:2])
        await store.liveness.started(worker, ids[2])  # started between two beats
        for job in ids:
            await store.redis.set(in_progress_key_prefix + job, "1", px=60_000)
    await store.redis.delete(f"{store.keys.prefix}alive:dead")  # its heartbeat expired
    released = await store.liveness.reap()
    assert sorted(released) == sorted(jobs["dead"])
    for job in jobs["dead"]:
        assert not await store.redis.exists(in_progress_key_prefix + job)
    for job in jobs["live"]:
        assert await store.redis.exists(in_progress_key_prefix + job)
    assert await store.liveness.reap() == []  # the dead worker is forgotten
    await store.liveness.leave("live")
    assert await store.redis.smembers(f"{store.keys.prefix}workers") == set()
    for job in jobs["live"]:
        await store.redis.delete(in_progress_key_prefix + job)
