"""Article jobs: the reason enum, one job id per job, and jobs queued by earlier versions."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiohttp import web

from crawler.config import Settings
from crawler.core.text import stable_hash
from crawler.models import ArticleJob, JobReason
from crawler.runtime import open_runtime
from crawler.store import Keys, url_doc
from crawler.store.queue import PROCESS_ARTICLE, job_id
from tests.conftest import LocalSite
from tests.processes import run_burst
from tests.test_politeness import article
from workers.jobs import job_of

URL = "https://news.example/world/report.html?utm_source=rss"


def test_reasons_are_strings_and_jobs_round_trip_as_plain_data() -> None:
    assert [str(r) for r in JobReason] == ["new", "revisit", "signal", "retry"]
    assert JobReason("signal") is JobReason.SIGNAL and JobReason.SIGNAL == "signal"
    jobs = [
        ArticleJob("s", URL),
        ArticleJob("s", URL, JobReason.REVISIT, revisit=0),
        ArticleJob("s", URL, JobReason.SIGNAL, stamp="2024-05-01T10:00:00+00:00"),
        ArticleJob("s", URL, JobReason.RETRY, retry=2),
    ]
    for job in jobs:
        assert ArticleJob.from_json(job.to_json()) == job
    assert ArticleJob("s", URL).to_json() == {"story": "s", "url": URL, "reason": "new"}


def test_jobs_in_the_old_positional_form_are_read() -> None:
    """Earlier versions queued ``(story, url, revisit, reason[, retry])``, -1: no revisit."""
    assert job_of(("s", URL, -1, "new")) == ArticleJob("s", URL)
    assert job_of(("s", URL)) == ArticleJob("s", URL)
    assert job_of(("s", URL, 3, "revisit")) == ArticleJob("s", URL, JobReason.REVISIT, 3)
    assert job_of(("s", URL, -1, "signal")) == ArticleJob("s", URL, JobReason.SIGNAL)
    assert job_of(("s", URL, -1, "retry", 2)) == ArticleJob("s", URL, JobReason.RETRY, retry=2)
    assert job_of(({"story": "s", "url": URL, "reason": "retry", "retry": 2},)) == (
        ArticleJob("s", URL, JobReason.RETRY, retry=2)
    )
    with pytest.raises(ValueError):
        job_of(("s", URL, -1, "sometimes"))


def test_job_ids_keep_the_layout_of_the_jobs_already_queued() -> None:
    """The ids the four enqueue sites built by hand, so a queued job is still deduplicated."""
    keys, doc = Keys("nw:"), url_doc(URL)
    stamp = "2024-05-01T10:00:00+00:00"
    assert job_id(keys, ArticleJob("s", URL)) == f"nw:job:new:s:{doc}"
    assert job_id(keys, ArticleJob("s", URL, JobReason.REVISIT, 2)) == f"nw:job:rv:s:{doc}:2"
    assert job_id(keys, ArticleJob("s", URL, JobReason.RETRY, retry=1)) == (
        f"nw:job:retry:s:{doc}:1"
    )
    signal = ArticleJob("s", URL, JobReason.SIGNAL, stamp=stamp)
    assert job_id(keys, signal) == f"nw:job:sig:s:{doc}:{stable_hash(stamp, 6)}"
    assert url_doc(URL) == url_doc("https://news.example/world/report.html")  # canonical


async def test_old_and_new_jobs_run_and_one_job_is_queued_once(
    site: LocalSite, make_settings: Callable[..., Settings]
) -> None:
    for n in range(3):
        page = article(n)

        async def handler(request: web.Request, page: str = page) -> web.Response:
            return web.Response(text=page, content_type="text/html")

        site.route(f"/news/report-{n}", handler)
    async with open_runtime(make_settings(), roles=("worker",)) as runtime:
        queue = runtime.queue
        assert await queue.enqueue(ArticleJob("story", site.url("/news/report-0")))
        assert not await queue.enqueue(ArticleJob("story", site.url("/news/report-0")))
        pool = runtime.address.arq(runtime.store.keys.queue)
        try:  # as an earlier version queued them (positional, -1 for "no revisit")
            for n, reason in ((1, "new"), (2, "signal")):
                url = site.url(f"/news/report-{n}")
                await pool.enqueue_job(
                    PROCESS_ARTICLE,
                    "story",
                    url,
                    -1,
                    reason,
                    _job_id=runtime.store.keys.job("old", str(n)),
                )
        finally:
            await pool.aclose()
        worker = await run_burst(runtime)
        stats = await runtime.store.stats()
    assert worker.jobs_complete == 3 and worker.jobs_failed == 0
    assert sum(v for k, v in stats.items() if k.startswith("articles_")) == 3, stats
    assert site.hits == {f"/news/report-{n}": 1 for n in range(3)} | {"/robots.txt": 1}
