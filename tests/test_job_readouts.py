"""A job's outcome counter and its duration are recorded together, in one round trip — a
first visit's in the commit of its decision."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from crawler.config import Settings
from crawler.runtime import open_runtime
from crawler.store import Store
from tests.conftest import LocalSite
from tests.test_batches import _batch, _entries, _page


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


async def test_every_job_is_recorded_once_whoever_records_it(
    site: LocalSite, make_settings: Callable[..., Settings], store: Store
) -> None:
    """First visits (recorded by their commit), a page judged already and a failed fetch
    (recorded by the worker): one outcome and one duration each, never two, never none."""
    first = site.route("/news/first", _page(1))
    again = site.route("/news/first?again", _page(1))  # the same page: judged already
    gone = site.route("/news/gone", _page(2, status=404))
    other = site.route("/news/other", _page(3))
    async with open_runtime(make_settings(), roles=("worker",)) as runtime:
        outcomes = await _batch(runtime, _entries(runtime, [first, gone, other]))
        outcomes += " " + await _batch(runtime, _entries(runtime, [first, again]))
    stats = await store.stats()
    jobs = {k: v for k, v in stats.items() if k.startswith("jobs_")}
    assert sum(jobs.values()) == 5 and jobs["jobs_fetch_failed"] == 1
    assert jobs["jobs_already_judged"] >= 1, outcomes
    assert (await store.readouts.job_latency()).count == 5
