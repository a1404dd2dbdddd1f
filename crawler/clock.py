"""The one clock newswatch reads time from, passed to whatever decides by it.

Stages take a :class:`Clock` instead of calling ``time.time()`` / ``datetime.now()``: the
scheduler (when feeds are due, the poll's adaptive interval, when a signal may fetch again),
the fairness gate, the revisit planner and the hook dispatcher. Tests pass a clock they move
(``tests/hookkit.StepClock``), so backoffs, schedules and ``max_age`` run without waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime
from typing import Protocol

__all__ = ["Clock", "SystemClock", "utc"]


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch."""

    async def sleep(self, seconds: float, stop: asyncio.Event | None = None) -> None:
        """Wait ``seconds``, or less when ``stop`` is set."""


class SystemClock:
    def now(self) -> float:
        return time.time()

    async def sleep(self, seconds: float, stop: asyncio.Event | None = None) -> None:
        if stop is None:
            await asyncio.sleep(max(0.0, seconds))
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=max(0.0, seconds))


def utc(clock: Clock) -> datetime:
    """The clock's time as an aware UTC datetime."""
    return datetime.fromtimestamp(clock.now(), UTC)
