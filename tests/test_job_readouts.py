"""A job's outcome counter and its duration are recorded together, in one round trip."""

from __future__ import annotations

import pytest

from crawler.store import Store


async def test_a_job_records_its_outcome_with_its_duration(store: Store) -> None:
    await store.readouts.record_job(0.07, {"jobs_related": 1})
    await store.readouts.record_job(3.0, {"jobs_related": 1, "jobs_skipped": 0})
    await store.readouts.record_job(200.0)  # an attempt that ended in an error: no outcome
    assert await store.stats() == {"jobs_related": 2}
    latency = await store.readouts.job_latency()
    assert dict(latency.buckets)[0.1] == 1 and dict(latency.buckets)[5.0] == 1
    assert dict(latency.buckets)[float("inf")] == 1
    assert latency.count == 3 and latency.total == pytest.approx(203.07)


async def test_the_count_is_the_buckets_total_whatever_an_old_store_kept(store: Store) -> None:
    await store.redis.hset(store.keys.job_latency, mapping={"le:0.5": 2, "sum": 0.6, "count": 2})
    await store.readouts.record_job(0.3)  # no "count" written any more
    latency = await store.readouts.job_latency()
    assert (latency.count, dict(latency.buckets)[0.5]) == (3, 3)
