"""The article job queue: every :class:`~crawler.models.ArticleJob` enters arq here.

:func:`job_id` is the one place a job's deterministic id is built, so the same job offered
twice while queued (two schedulers, a crash between enqueue and bookkeeping) runs once:

    new      {p}job:new:{story}:{doc}
    signal   {p}job:sig:{story}:{doc}:{hash of the moved entry stamp}
    revisit  {p}job:rv:{story}:{doc}:{revisit number}
    retry    {p}job:retry:{story}:{doc}:{retry-later round}

(``doc`` = :func:`~crawler.store.keys.url_doc` of the job's URL.) A job is sent as one plain
argument, :meth:`ArticleJob.to_json`; the job function still takes jobs queued by earlier
versions in their positional form (``story, url, revisit (-1: none), reason, retry``,
:meth:`ArticleJob.from_args`), so queued jobs survive an upgrade.
"""

from __future__ import annotations

from datetime import datetime

from arq.connections import ArqRedis

from crawler.core.text import stable_hash
from crawler.models import ArticleJob, JobReason
from crawler.store.keys import Keys, url_doc
from crawler.store.waiting import Waiting

PROCESS_ARTICLE = "process_article"  # the arq function name of every article job

__all__ = ["PROCESS_ARTICLE", "JobQueue", "job_id"]


def job_id(keys: Keys, job: ArticleJob) -> str:
    """The deterministic arq id of ``job``."""
    doc = url_doc(job.url)
    if job.reason is JobReason.SIGNAL:
        return keys.job("sig", job.story, doc, stable_hash(job.stamp, 6))
    if job.reason is JobReason.REVISIT:
        return keys.job("rv", job.story, doc, str(job.revisit))
    if job.reason is JobReason.RETRY:
        return keys.job("retry", job.story, doc, str(job.retry))
    return keys.job("new", job.story, doc)


class JobQueue:
    """The arq pool of the article queue (``{p}queue``), owned by the runtime."""

    def __init__(self, arq: ArqRedis, keys: Keys) -> None:
        self._arq = arq
        self._keys = keys

    def job_id(self, job: ArticleJob) -> str:
        return job_id(self._keys, job)

    async def enqueue(self, job: ArticleJob, *, defer_until: datetime | None = None) -> bool:
        """Queue ``job`` under its deterministic id; False when that id is queued already."""
        return await self._send(job, self.job_id(job), defer_until)

    async def enqueue_waiting(self, entry: Waiting) -> bool:
        """Queue a feed entry that waited for room (:mod:`crawler.stages.poll.fairness`),
        under the id :func:`job_id` gave it when it was taken (kept with the entry)."""
        return await self._send(entry.job, entry.job_id, None)

    async def _send(self, job: ArticleJob, jid: str, defer_until: datetime | None) -> bool:
        queued = await self._arq.enqueue_job(
            PROCESS_ARTICLE,
            job.to_json(),
            _job_id=jid,
            _queue_name=self._keys.queue,
            _defer_until=defer_until,
        )
        return queued is not None

    async def aclose(self) -> None:
        await self._arq.aclose()
