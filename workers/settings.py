"""``WorkerSettings`` for the arq command line: ``arq workers.WorkerSettings``.

A plain class, arq style. Its values come from the configuration found via
``$NEWSWATCH_CONFIG`` / ``config/newswatch.toml``, read when this module is first imported —
``import workers`` does not import it; ``workers.WorkerSettings`` does, on first access. The arq
command line needs an external Redis (``$NEWSWATCH_REDIS_URL`` or ``[redis] url``; importing
this module without one raises :class:`~crawler.errors.ConfigError`); ``newswatch worker`` also
works with the embedded store. Each arq worker builds a worker-role runtime (no scheduler).
"""

from __future__ import annotations

import contextlib
from typing import Any

from arq.connections import RedisSettings

from crawler.config import Settings, load_settings
from crawler.errors import ConfigError
from crawler.runtime import open_runtime
from crawler.store import Keys
from workers.worker import functions


def _external(settings: Settings) -> Settings:
    if not settings.redis.url:
        raise ConfigError(
            "redis.url: `arq workers.WorkerSettings` needs an external Redis; set "
            "NEWSWATCH_REDIS_URL or [redis] url, or run `newswatch worker` instead"
        )
    return settings


SETTINGS = _external(load_settings())


async def startup(ctx: dict[str, Any]) -> None:
    stack = contextlib.AsyncExitStack()
    ctx["runtime"] = await stack.enter_async_context(open_runtime(SETTINGS, roles=("worker",)))
    ctx["runtime_stack"] = stack


async def shutdown(ctx: dict[str, Any]) -> None:
    stack: contextlib.AsyncExitStack = ctx.pop("runtime_stack")
    await stack.aclose()


class WorkerSettings:
    functions = functions(SETTINGS)
    queue_name = Keys(SETTINGS.redis.key_prefix).queue
    redis_settings = RedisSettings.from_dsn(SETTINGS.redis.url)
    on_startup = startup
    on_shutdown = shutdown
    max_jobs = SETTINGS.worker.max_jobs
    job_timeout = SETTINGS.worker.job_timeout
    max_tries = SETTINGS.worker.max_tries
    poll_delay = SETTINGS.worker.poll_interval
    keep_result = 0
