"""Quiet, honest logging for long-running loops when a dependency (Redis, a hook) is down.

The first failure is logged with its traceback, repeats at most once a minute without it,
and the recovery once — so a ten-minute Redis outage is three log lines, not six hundred.
The loop also learns how long to wait before trying again (exponential, capped).
"""

from __future__ import annotations

import logging
import time

REPEAT_EVERY = 60.0


class Outage:
    def __init__(self, log: logging.Logger, what: str, max_delay: float = 30.0) -> None:
        self._log = log
        self._what = what
        self._max_delay = max_delay
        self._since: float | None = None
        self._last_report = 0.0
        self._failures = 0

    @property
    def active(self) -> bool:
        return self._since is not None

    def failed(self, exc: BaseException) -> float:
        """Record a failure; returns the seconds to wait before the next attempt."""
        now = time.monotonic()
        self._failures += 1
        if self._since is None:
            self._since = now
            self._last_report = now
            self._log.error("%s failed; will retry", self._what, exc_info=exc)
        elif now - self._last_report >= REPEAT_EVERY:
            self._last_report = now
            waited = now - self._since
            self._log.warning("%s still failing after %.0fs: %s", self._what, waited, exc)
        return float(min(self._max_delay, 2 ** min(self._failures - 1, 10)))

    def ok(self) -> None:
        """Record a success; logs the recovery once."""
        if self._since is not None:
            waited = time.monotonic() - self._since
            self._log.warning("%s works again after %.0fs", self._what, waited)
        self._since = None
        self._failures = 0
