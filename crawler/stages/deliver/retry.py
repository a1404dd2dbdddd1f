"""When to try a failed delivery again, and when to give up on it (pure).

* Backoff: the first retry after ``retry_delay``, each next one twice as long, capped at
  ``max_retry_delay``, each delay with ±20 % jitter (hooks failing together do not retry in
  lockstep). A ``Retry-After`` the receiver sent is a floor: never earlier than it asks.
* The end: an event is given up — moved to the hook's dead letters — when an attempt fails
  and the event has waited ``max_age`` *while its hook was failing*: counted from when it was
  emitted or from when the hook started failing, whichever is later. So a receiver down for
  two days loses nothing that was emitted before newswatch could even try, a restart after
  a long stop does not dead-letter a backlog at the first hiccup, and every event gets at
  least one attempt before it is given up.

Time comes from the caller (:class:`crawler.clock.Clock`), so tests run backoffs and
``max_age`` without waiting.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from crawler.config import HookConfig

JITTER = 0.2


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    first_delay: float = 1.0
    max_delay: float = 600.0
    max_age: float = 86400.0

    @classmethod
    def of(cls, config: HookConfig) -> RetryPolicy:
        return cls(config.retry_delay, config.max_retry_delay, config.max_age)

    def delay(
        self,
        failures: int,
        retry_after: float | None = None,
        rand: Callable[[], float] = random.random,
    ) -> float:
        """Seconds before the next attempt after ``failures`` failed attempts in a row."""
        base = min(self.max_delay, self.first_delay * 2.0 ** min(60, max(0, failures - 1)))
        jittered = base * (1 - JITTER + 2 * JITTER * rand())
        return max(jittered, retry_after or 0.0)

    def deadline(self, emitted: float, failing_since: float) -> float:
        """The time after which a failed attempt gives the event up."""
        return max(emitted, failing_since) + self.max_age
