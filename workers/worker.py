"""The arq ``Worker`` newswatch runs itself (``newswatch worker``, ``run``, ``run --once``)."""

from __future__ import annotations

from typing import Any

from arq import Worker
from arq.constants import in_progress_key_prefix
from arq.worker import func

from crawler.config import Settings
from crawler.runtime import RoleError, Runtime
from workers.jobs import Tally, process_article

HAND_BACK_ROOM = 30.0  # seconds beyond two job timeouts for a batch's last round trips


def functions(settings: Settings) -> list[Any]:
    """Each job attempt keeps to ``job_timeout`` itself (:mod:`workers.jobs`); arq's own
    timeout leaves a batch job room for its last entry and for handing back the rest."""
    timeout = 2 * settings.worker.job_timeout + HAND_BACK_ROOM
    return [func(process_article, max_tries=settings.worker.max_tries, timeout=timeout)]


def build_worker(
    runtime: Runtime,
    *,
    burst: bool = False,
    poll_delay: float | None = None,
    max_retry_delay: float = 3600.0,
    name: str = "",
) -> Worker:
    """An arq ``Worker`` on ``runtime``'s queue; signals are handled by newswatch itself.

    ``runtime`` needs the worker role (its pipeline runs the jobs). ``max_retry_delay`` caps
    the deferral of a retried job (``run --once`` keeps it short: a burst worker waits for
    deferred jobs, and what still fails is kept for later runs). ``name``: the worker's name
    in :mod:`crawler.store.liveness` (its jobs are listed as they start, so they run again
    soon if this process is killed); "" for short-lived workers. ``poll_delay``: how often it
    looks for due jobs (``[worker] poll_interval`` when not given)."""
    if runtime.worker_parts is None:  # fail here, not in every job
        raise RoleError("build_worker: the runtime has no worker role")
    settings = runtime.settings
    return NewswatchWorker(
        functions=functions(settings),
        queue_name=runtime.store.keys.queue,
        redis_pool=runtime.address.arq(runtime.store.keys.queue),  # its own pool; follows restarts
        ctx={
            "runtime": runtime,
            "max_retry_delay": max_retry_delay,
            "worker_name": name,
            "tally": Tally(),
        },
        on_job_start=_job_started if name else None,
        burst=burst,
        poll_delay=settings.worker.poll_interval if poll_delay is None else poll_delay,
        max_jobs=settings.worker.max_jobs,
        job_timeout=settings.worker.job_timeout,
        max_tries=settings.worker.max_tries,
        handle_signals=False,
        keep_result=0,  # results are never read: keeping them only filled Redis
    )


class NewswatchWorker(Worker):
    """arq's worker, minus one waste: each poll, arq looks at every due job id — running
    ones included, since a job leaves the queue only when it ends — and spends four round
    trips (WATCH, EXISTS, ZSCORE, UNWATCH) on each to find it already in progress. Ids of
    jobs this worker is running are left out before that, and those other workers are
    running are found in one round trip for all (arq's own check still guards the ones left:
    a job another worker starts meanwhile is skipped there, as before)."""

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        mine = self.tasks
        fresh = [j for j in job_ids if j.decode() not in mine]
        if fresh:
            async with self.pool.pipeline(transaction=False) as pipe:
                for job in fresh:
                    pipe.exists(in_progress_key_prefix + job.decode())
                running = await pipe.execute()
            fresh = [j for j, elsewhere in zip(fresh, running, strict=True) if not elsewhere]
        await super().start_jobs(fresh)


def ended(worker: Worker) -> int:
    """The jobs — a batch's entries each — that ``worker`` ran to their end."""
    tally: Tally = worker.ctx["tally"]
    return tally.ended


async def _job_started(ctx: dict[str, Any]) -> None:
    runtime: Runtime = ctx["runtime"]
    await runtime.store.liveness.started(ctx["worker_name"], ctx["job_id"])
