"""arq job functions. The untyped ``ctx`` carries one typed :class:`Runtime` (``ctx["runtime"]``).

Failure policy: a retryable fetch error or a Redis outage raises ``Retry`` with a growing
delay (up to ``[worker] max_tries`` attempts); a permanent one (404, refused address, not an
article) is logged and counted, and the job ends — it is not retried forever. A first visit
whose last attempt still failed retryably is kept for later rounds hours apart (the story's
retry-later set, see :mod:`crawler.stages.article.revisits`), so a site that is down for a
while loses nothing.
"""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any

from arq import Retry
from redis.exceptions import RedisError

from crawler.errors import ExtractError, FetchError, StoreError
from crawler.runtime import Runtime
from crawler.stages.article.pipeline import ArticleJob

log = logging.getLogger(__name__)


async def process_article(
    ctx: dict[str, Any],
    story: str,
    url: str,
    revisit: int = -1,
    reason: str = "new",
    retry: int = 0,
) -> str:
    runtime: Runtime = ctx["runtime"]
    job = ArticleJob(story=story, url=url, revisit=revisit, reason=reason, retry=retry)
    started = time.perf_counter()
    try:
        outcome = await _process(runtime, job, ctx)
    except BaseException:  # every attempt's duration, for the /metrics job latency histogram
        with contextlib.suppress(RedisError):
            await runtime.store.readouts.record_job(time.perf_counter() - started)
        raise
    # the job's last step: its outcome counted with its duration, in one round trip
    counter = {f"jobs_{outcome.replace('-', '_')}": 1}
    await runtime.store.readouts.record_job(time.perf_counter() - started, counter)
    return outcome


async def _process(runtime: Runtime, job: ArticleJob, ctx: dict[str, Any]) -> str:
    tries = int(ctx.get("job_try", 1))
    try:
        outcome = await runtime.pipeline.process(job)
    except FetchError as exc:
        if exc.retryable and tries < runtime.settings.worker.max_tries:
            raise Retry(defer=_delay(ctx, tries, exc)) from exc
        outcome = await _gave_up(runtime, job, exc, tries)
    except ExtractError as exc:
        log.info("not an article: %s", exc)
        outcome = "not-an-article"
    except (StoreError, RedisError) as exc:
        log.warning("store unavailable while processing %s (%s); will retry", job.url, exc)
        with contextlib.suppress(RedisError):  # counted when the store answers again
            await runtime.store.count(store_errors=1)
        raise Retry(defer=_delay(ctx, tries, exc)) from exc
    return outcome


async def _gave_up(runtime: Runtime, job: ArticleJob, exc: FetchError, tries: int) -> str:
    """The last attempt failed: a first visit that may work later is kept for later rounds."""
    if not exc.retryable:
        log.warning("giving up on %s: %s", job.url, exc)
        return "fetch-failed"
    log.warning("%s failed %d time(s), the last with: %s", job.url, tries, exc)
    try:
        return await runtime.pipeline.retry_later(job)
    except (StoreError, RedisError) as error:
        log.error("could not keep %s for a later try: %s", job.url, error)
        return "fetch-failed"


def _delay(ctx: dict[str, Any], tries: int, exc: Exception) -> float:
    runtime: Runtime = ctx["runtime"]
    delay: float = runtime.settings.worker.retry_delay * 2.0 ** (tries - 1)
    if isinstance(exc, FetchError) and exc.retry_after:
        delay = max(delay, exc.retry_after)
    return min(delay, float(ctx.get("max_retry_delay", 3600.0)))
