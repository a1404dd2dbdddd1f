"""When to poll a feed next (pure: numbers in, seconds out).

* **Adaptive interval.** After a poll that brought a changed feed, the interval is the mean
  time between the feed's entries over the last week — ``(now − oldest recent entry) / number
  of recent entries`` — clamped to the feed's ``[min_interval, max_interval]``. A feed with no
  dated entries keeps its configured ``interval``; one whose entries are all older than a
  week goes to ``max_interval``. Each poll that finds nothing new (304 or the same body)
  stretches the interval by 20 % up to ``max_interval``, so a feed that fell silent is asked
  less and less often until it changes again.
* **Jitter.** ±10 % on every delay, so feeds configured alike do not poll in lock-step.
* **Server hints are lower bounds**: ``Cache-Control: max-age``, ``Expires`` and the RSS
  ``<ttl>`` never make a poll earlier; they are capped at ``max_interval`` so a far-future
  header cannot silence a feed the user wants watched.
* **Errors** back off exponentially from ``backoff_base`` (×2 per consecutive failure, ±20 %
  jitter) up to ``backoff_max``; ``Retry-After`` (429/503) is a lower bound up to one day.
* **Signals** (an entry's ``updated`` stamp moved): the first one is fetched at once; after
  that, one every :data:`SIGNAL_EVERY` per entry and story — sooner only while the signals
  keep finding changes (the tracked article's version moved since the last one). A feed that
  stamps every entry with the time of each request thus costs one fetch per entry per
  ``SIGNAL_EVERY``, while a live article that really changes is fetched on every signal.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

WINDOW = timedelta(days=7)
STRETCH = 1.2
JITTER = 0.1
BACKOFF_JITTER = 0.2
MAX_RETRY_AFTER = 86_400.0
SIGNAL_EVERY = 1800.0  # seconds; the default of ``[scheduler] signal_interval``


def clamp(value: float, bounds: tuple[float, float]) -> float:
    low, high = bounds
    return min(high, max(low, value))


def adaptive_interval(
    dates: Iterable[datetime | None],
    now: datetime,
    bounds: tuple[float, float],
    configured: float,
) -> float:
    """The interval a feed with these entry dates deserves (see the module docstring)."""
    known = [min(d, now) for d in dates if d is not None]
    if not known:
        return clamp(configured, bounds)
    recent = [d for d in known if now - d <= WINDOW]
    if not recent:
        return bounds[1]
    span = max((now - min(recent)).total_seconds(), 60.0)
    return clamp(span / len(recent), bounds)


def stretched(interval: float, bounds: tuple[float, float]) -> float:
    """The interval after a poll that found nothing new."""
    return clamp(interval * STRETCH, bounds)


def jittered(seconds: float, rng: random.Random | None = None) -> float:
    return seconds * (rng or random).uniform(1.0 - JITTER, 1.0 + JITTER)


def next_delay(
    interval: float,
    hints: Iterable[float | None],
    bounds: tuple[float, float],
    rng: random.Random | None = None,
) -> float:
    """Seconds until the next poll after a successful one."""
    floor = max((h for h in hints if h is not None), default=0.0)
    return max(jittered(interval, rng), min(floor, bounds[1]))


def backoff(
    failures: int,
    base: float,
    cap: float,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Seconds until the next try after ``failures`` consecutive failures (≥ 1)."""
    delay = base * 2.0 ** min(failures - 1, 30)
    delay = min(cap, delay * (rng or random).uniform(1.0 - BACKOFF_JITTER, 1.0 + BACKOFF_JITTER))
    if retry_after:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return delay


def cache_lifetime(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds the response may be reused: ``Cache-Control: max-age``, else ``Expires``."""
    for directive in headers.get("cache-control", "").split(","):
        name, _, value = directive.strip().partition("=")
        if name.lower() == "max-age":
            try:
                return max(0.0, float(value.strip().strip('"')))
            except ValueError:
                return None
    expires = headers.get("expires", "").strip()
    if not expires:
        return None
    try:
        when = parsedate_to_datetime(expires)
    except (TypeError, ValueError, IndexError):
        return None  # "Expires: 0" and other invalid dates mean "already expired"
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    reference = _date_header(headers) or now or datetime.now(UTC)
    return max(0.0, (when - reference).total_seconds())


def _date_header(headers: Mapping[str, str]) -> datetime | None:
    try:
        when = parsedate_to_datetime(headers.get("date", ""))
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def signal_due(
    last_signal: float,
    version_then: str,
    version_now: str,
    now: float,
    every: float = SIGNAL_EVERY,
) -> bool:
    """Whether a moved ``updated`` stamp is worth a fetch now (see "Signals" above).

    ``last_signal`` is when the previous signal fetch was queued (0: never), ``version_then``
    the article's version at that moment and ``version_now`` its version now ("" untracked).
    """
    return not last_signal or now - last_signal >= every or version_now != version_then
