"""Moves events from the outbox to the hooks: one :class:`~.lane.Lane` per hook,
all at once — a hook that hangs or is down never delays another; order holds within each.

``run`` (the daemon) keeps every lane going until stop, then gives each a last pass of at
most ``FINAL_GRACE`` seconds; ``drain`` (``run --once``, ``worker --burst``) delivers what can
be delivered now, waiting for retries due within ``patience`` seconds, and reports per hook.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass

from crawler.clock import Clock, SystemClock
from crawler.errors import ConfigError
from crawler.stages.deliver.base import DeliveryError, Hook
from crawler.stages.deliver.lane import LEASE_TTL, Lane, LaneReport
from crawler.store import Store, safe_url

log = logging.getLogger(__name__)

FINAL_GRACE = 10.0


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    hooks: tuple[LaneReport, ...]

    @property
    def delivered(self) -> int:
        return sum(r.delivered for r in self.hooks)

    @property
    def pending(self) -> int:
        return sum(r.pending for r in self.hooks)

    @property
    def dead(self) -> int:
        return sum(r.dead for r in self.hooks)

    def summary(self) -> str:
        """ "3 delivered, 2 pending (webhook:…: cannot connect to 127.0.0.1:9)" """
        parts = [f"{self.delivered} delivered"]
        if self.pending:
            why = [f"{safe_url(r.hook)}: {r.error or r.note}" for r in self.hooks if r.pending]
            parts.append(f"{self.pending} pending ({'; '.join(w.rstrip(': ') for w in why)})")
        if self.dead:
            hooks = ", ".join(safe_url(r.hook) for r in self.hooks if r.dead)
            parts.append(f"{self.dead} dead-lettered ({hooks}; see newswatch hooks)")
        return ", ".join(parts)


class Dispatcher:
    def __init__(
        self,
        store: Store,
        hooks: list[Hook],
        clock: Clock | None = None,
        rand: Callable[[], float] = random.random,
        lease_ttl: float = LEASE_TTL,
    ) -> None:
        self._store = store
        self._hooks = hooks
        clock = clock or SystemClock()
        self.lanes = [Lane(hook, store, clock, rand, lease_ttl) for hook in hooks]

    async def start(self) -> None:
        for hook in self._hooks:
            await self._store.outbox.ensure_group(hook.name)
            try:
                await hook.start()
            except DeliveryError as exc:
                raise ConfigError(f"hook {hook.name!r} cannot start: {exc}") from exc

    async def close(self) -> None:
        for hook in reversed(self._hooks):
            await hook.close()

    async def drain(self, patience: float = 0.0) -> DeliveryReport:
        """Every hook at once; returns what each delivered, dead-lettered and still holds."""
        reports = await asyncio.gather(*(lane.drain(patience) for lane in self.lanes))
        return DeliveryReport(tuple(reports))

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; a last pass per hook of at most ``FINAL_GRACE``."""
        tasks = [
            asyncio.create_task(lane.run(stop), name=f"hook {lane.name}") for lane in self.lanes
        ]
        if not tasks:
            return
        await stop.wait()
        done, late = await asyncio.wait(tasks, timeout=FINAL_GRACE)
        for task in late:  # a hook hanging at shutdown: its events stay for the next start
            log.warning(
                "%s: still busy at shutdown; its pending events stay queued", task.get_name()
            )
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                log.error("%s stopped with %r", task.get_name(), task.exception())
