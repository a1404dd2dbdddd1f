"""A feed's health after a poll (pure): the state a success or a failure leaves it in, and
for a failure how long to back off.

After ``[scheduler] failing_after`` consecutive failures a feed is ``failing`` (the scheduler
emits ``feed.failing`` once, on the poll that makes it so, and ``feed.recovered`` on the
first poll that works again); ``410 Gone`` makes it ``gone`` (never polled again). A failed
poll waits :func:`crawler.core.cadence.backoff`, or what the server's ``Retry-After`` asked.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from crawler.config.sections import SchedulerConfig
from crawler.core import cadence
from crawler.errors import ConnectError, FeedError, FetchError, HTTPStatusError
from crawler.store import FeedState


@dataclass(frozen=True, slots=True)
class Failure:
    state: FeedState  # the feed's state after the failed poll
    error: str
    gone: bool  # 410 Gone: the feed is disabled
    offline: bool  # the host did not answer (reported per batch, not per feed)
    newly_failing: bool  # this failure made the feed ``failing``
    delay: float  # seconds until the next try


def healthy(state: FeedState, interval: float, now: str) -> FeedState:
    """The state a poll that worked leaves (``now``: its ISO time)."""
    return replace(
        state,
        failures=0,
        status="ok",
        last_error="",
        last_poll=now,
        last_ok=now,
        failing_since="",
        interval=interval,
    )


def failed(state: FeedState, exc: Exception, config: SchedulerConfig, now: str) -> Failure:
    """What a poll that failed with ``exc`` leaves (``now``: its ISO time)."""
    failures = state.failures + 1
    gone = isinstance(exc, HTTPStatusError) and exc.status == 410
    status = "gone" if gone else ("failing" if failures >= config.failing_after else "ok")
    error = str(exc) if isinstance(exc, FetchError | FeedError) else f"{exc!r}"
    after = replace(
        state,
        failures=failures,
        status=status,
        last_error=error,
        last_poll=now,
        failing_since=state.failing_since or now,
    )
    retry_after = exc.retry_after if isinstance(exc, FetchError) else None
    delay = cadence.backoff(failures, config.backoff_base, config.backoff_max, retry_after)
    newly_failing = status == "failing" and state.status != "failing"
    offline = isinstance(exc, ConnectError)
    return Failure(after, error, gone, offline, newly_failing, delay)
