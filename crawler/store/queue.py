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

**Batches.** Feed entries released together by the fairness gate (one feed's, oldest first)
go in jobs of up to :data:`BATCH` entries: ``{"batch": [waiting entry fields, …]}`` under
``{p}job:batch:{hash of the entries' ids}``. The worker runs a batch's entries one after
another, each with its own outcome; an entry that must be tried again later, or that the
batch has no time left for, is queued again as its own job under its own id
(:meth:`JobQueue.enqueue_waiting`) and keeps its room (:meth:`WaitingRoom.hold`). One entry
alone is its own job, as every other job is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from arq.connections import ArqRedis

from crawler.core.text import stable_hash
from crawler.models import ArticleJob, JobReason
from crawler.store.keys import Keys, url_doc
from crawler.store.waiting import Waiting, holders

PROCESS_ARTICLE = "process_article"  # the arq function name of every article job
BATCH = 16  # feed entries per job at most (max_jobs batches run at once)

__all__ = ["BATCH", "PROCESS_ARTICLE", "JobQueue", "job_id"]


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


def batch_id(keys: Keys, entries: Sequence[Waiting]) -> str:
    """The id of the batch job carrying ``entries`` (the same entries: the same id)."""
    return keys.job("batch", stable_hash("\n".join(e.job_id for e in entries), 8))


class JobQueue:
    """The arq pool of the article queue (``{p}queue``), owned by the runtime."""

    def __init__(self, arq: ArqRedis, keys: Keys) -> None:
        self._arq = arq
        self._keys = keys

    def job_id(self, job: ArticleJob) -> str:
        return job_id(self._keys, job)

    async def enqueue(self, job: ArticleJob, *, defer_until: datetime | None = None) -> bool:
        """Queue ``job`` under its deterministic id; False when that id is queued already."""
        return await self._send(job.to_json(), self.job_id(job), defer_until=defer_until)

    async def enqueue_entries(self, entries: Sequence[Waiting]) -> list[str]:
        """Queue feed entries that waited for room (:mod:`crawler.stages.poll.fairness`; one
        feed's, at most :data:`BATCH`): one alone under the id :func:`job_id` gave it when it
        was taken, several as one batch job. Returns the name holding each entry's room."""
        if len(entries) == 1:
            await self.enqueue_waiting(entries[0])
            return [entries[0].job_id]
        batch = batch_id(self._keys, entries)
        await self._send({"batch": [e.fields() for e in entries]}, batch)
        return holders(batch, len(entries))

    async def enqueue_waiting(
        self, entry: Waiting, *, defer_by: float = 0.0, job_try: int | None = None
    ) -> bool:
        """Queue one waiting entry as its own job, under its own id; ``defer_by`` seconds
        later, counting ``job_try`` as its attempt (an entry a batch hands back)."""
        defer = timedelta(seconds=defer_by) if defer_by > 0 else None
        return await self._send(entry.job.to_json(), entry.job_id, defer_by=defer, job_try=job_try)

    async def _send(
        self,
        argument: dict[str, Any],
        jid: str,
        *,
        defer_until: datetime | None = None,
        defer_by: timedelta | None = None,
        job_try: int | None = None,
    ) -> bool:
        queued = await self._arq.enqueue_job(
            PROCESS_ARTICLE,
            argument,
            _job_id=jid,
            _queue_name=self._keys.queue,
            _defer_until=defer_until,
            _defer_by=defer_by,
            _job_try=job_try,
        )
        return queued is not None

    async def aclose(self) -> None:
        await self._arq.aclose()
