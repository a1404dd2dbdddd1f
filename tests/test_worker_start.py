"""A worker's poll skips the due jobs other workers are running, found in one round trip,
and still starts the ones nobody runs (arq's own check guards the rest)."""

from __future__ import annotations

from collections.abc import Callable

from arq.constants import in_progress_key_prefix

from crawler.config import Settings
from crawler.models import ArticleJob
from crawler.runtime import open_runtime
from tests.conftest import LocalSite
from tests.test_batches import _page
from workers.worker import build_worker


async def test_a_job_running_elsewhere_is_left_to_its_worker(
    site: LocalSite, make_settings: Callable[..., Settings]
) -> None:
    busy, free = site.route("/news/busy", _page(1)), site.route("/news/free", _page(2))
    async with open_runtime(make_settings(), roles=("worker",)) as runtime:
        jobs = [ArticleJob("story", busy), ArticleJob("story", free)]
        for job in jobs:
            assert await runtime.queue.enqueue(job)
        ids = [runtime.queue.job_id(job) for job in jobs]
        marker = in_progress_key_prefix + ids[0]
        await runtime.store.redis.set(marker, "1", px=60_000)  # another worker runs it
        worker = build_worker(runtime, burst=True)
        try:
            await worker.start_jobs([i.encode() for i in ids])
            assert list(worker.tasks) == [ids[1]]
            await worker.tasks[ids[1]]
            await runtime.store.redis.delete(marker)  # that worker is gone: its job is free
            await worker.start_jobs([ids[0].encode()])
            assert ids[0] in worker.tasks
            await worker.tasks[ids[0]]
        finally:
            await worker.close()
    assert site.hits["/news/busy"] == 1 and site.hits["/news/free"] == 1
