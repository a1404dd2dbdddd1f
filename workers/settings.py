"""``WorkerSettings`` for the arq command line, and the ``Worker`` newswatch runs itself."""

from __future__ import annotations

import contextlib
from typing import Any

from arq import Worker
from arq.connections import RedisSettings
from arq.worker import func

from crawler.config import Settings, load_settings
from crawler.errors import ConfigError
from crawler.runtime import Runtime, open_runtime
from workers.jobs import process_article


def functions(settings: Settings) -> list[Any]:
    return [func(process_article, max_tries=settings.worker.max_tries)]


def build_worker(
    runtime: Runtime,
    *,
    burst: bool = False,
    poll_delay: float = 0.5,
    max_retry_delay: float = 3600.0,
    name: str = "",
) -> Worker:
    """An arq ``Worker`` on ``runtime``'s queue; signals are handled by newswatch itself.

    ``max_retry_delay`` caps the deferral of a retried job (``run --once`` keeps it short: a
    burst worker waits for deferred jobs, and what still fails is kept for later runs).
    ``name``: the worker's name in :mod:`crawler.store.liveness` (its jobs are listed as they
    start, so they run again soon if this process is killed); "" for short-lived workers."""
    settings = runtime.settings
    return Worker(
        functions=functions(settings),
        queue_name=runtime.store.keys.queue,
        redis_pool=runtime.address.arq(runtime.store.keys.queue),  # its own pool; follows restarts
        ctx={"runtime": runtime, "max_retry_delay": max_retry_delay, "worker_name": name},
        on_job_start=_job_started if name else None,
        burst=burst,
        poll_delay=poll_delay,
        max_jobs=settings.worker.max_jobs,
        job_timeout=settings.worker.job_timeout,
        max_tries=settings.worker.max_tries,
        handle_signals=False,
        keep_result=0,  # results are never read: keeping them only filled Redis
    )


async def _job_started(ctx: dict[str, Any]) -> None:
    runtime: Runtime = ctx["runtime"]
    await runtime.store.liveness.started(ctx["worker_name"], ctx["job_id"])


def build_worker_settings() -> type:
    """A plain settings class, as arq's CLI expects."""
    settings = load_settings()
    if not settings.redis.url:
        raise ConfigError(
            "redis.url: `arq workers.WorkerSettings` needs an external Redis; set "
            "NEWSWATCH_REDIS_URL or [redis] url, or run `newswatch worker` instead"
        )
    stack = contextlib.AsyncExitStack()

    async def on_startup(ctx: dict[str, Any]) -> None:
        ctx["runtime"] = await stack.enter_async_context(open_runtime(settings))

    async def on_shutdown(ctx: dict[str, Any]) -> None:
        await stack.aclose()

    return type(
        "WorkerSettings",
        (),
        {
            "functions": functions(settings),
            "queue_name": f"{settings.redis.key_prefix}queue",
            "redis_settings": RedisSettings.from_dsn(settings.redis.url),
            "on_startup": on_startup,
            "on_shutdown": on_shutdown,
            "max_jobs": settings.worker.max_jobs,
            "job_timeout": settings.worker.job_timeout,
            "max_tries": settings.worker.max_tries,
            "keep_result": 0,
        },
    )
