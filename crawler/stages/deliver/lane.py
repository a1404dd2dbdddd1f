"""One hook's delivery: in order, by one process at a time, retried until ``max_age``.

Data flow for one hook (its consumer group on the outbox stream):

    lease ─► claim what others left ─► unacknowledged events, then new ones, in order
          ─► rules ─► (digest: collect until the window ends) ─► deliver ─► acknowledge

* The **lease** (``{prefix}hook-lease:{hook}``, renewed every third of its time) makes one
  process deliver a hook at a time, so the order of events holds with several processes. A
  process that dies loses it when it expires; the next holder claims the events it left
  unacknowledged and delivers them again — at least once, with the same event id.
* A **transient failure** keeps the event first in line (nothing behind it overtakes it) and
  sets the next attempt per :mod:`crawler.stages.deliver.retry`; the time is kept in Redis, so
  ``run --once`` from cron honours a backoff or ``Retry-After`` across runs. A **permanent**
  failure (e.g. HTTP 400), or a failure past the event's deadline, moves the event to the
  hook's dead letters and the next event goes ahead.
* A **digest** hook keeps the events it accepts unacknowledged until the message that
  summarises them has been delivered: a restart loses none of them.

Each lane has its own task; a hook that hangs or fails delays no other.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from crawler.clock import Clock
from crawler.durations import format_duration
from crawler.outage import Outage
from crawler.stages.deliver.base import DeliveryError, Hook
from crawler.stages.deliver.retry import RetryPolicy
from crawler.stages.deliver.rules import Rules
from crawler.store import Delivery, Store, safe_url

log = logging.getLogger(__name__)

CONSUMER = "deliverer"  # one consumer per group: only the lease holder reads
LEASE_TTL = 30.0
BLOCK_MS = 1000  # how long an idle lane waits on the stream for new events


@dataclass(slots=True)
class LaneReport:
    """What one pass over a hook did (``run --once``, ``hooks``)."""

    hook: str
    delivered: int = 0
    filtered: int = 0
    dead: int = 0
    pending: int = 0
    error: str = ""
    note: str = ""


class Lane:
    def __init__(
        self,
        hook: Hook,
        store: Store,
        clock: Clock,
        rand: Callable[[], float] = random.random,
        lease_ttl: float = LEASE_TTL,
    ) -> None:
        self.hook = hook
        self.name = hook.name
        self._store = store
        self._clock = clock
        self._rand = rand
        self._lease_ttl = lease_ttl
        self._rules = Rules.of(hook.config)
        self._policy = RetryPolicy.of(hook.config)
        self._token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._shown = safe_url(self.name)
        self._queue: deque[Delivery] = deque()
        self._cursor: str | None = "0-0"
        self._digest: list[Delivery] = []
        self._digest_since = 0.0
        self._attempts = 0
        self._failing_since: float | None = None
        self._next_attempt = 0.0

    async def drain(self, patience: float = 0.0) -> LaneReport:
        """Deliver what can be delivered now, waiting for retries due within ``patience``."""
        report = LaneReport(self.name)
        async with self._holding() as lost:
            if lost is None:
                report.note = "another process is delivering this hook"
            else:
                end = self._clock.now() + patience
                while not lost.is_set():
                    again = await self._pass(report, block_ms=None)
                    if again is None or again > end:
                        break
                    await self._clock.sleep(again - self._clock.now())
                if self._digest and not report.error:
                    due = self._digest_since + (self.hook.digest or 0.0)
                    report.note = (
                        f"digest due in {format_duration(max(0.0, due - self._clock.now()))}"
                    )
        report.pending = await self._store.outbox.backlog(self.name)
        if not report.error and self._failing_since is not None and report.pending:
            report.error = (await self._store.deliveries.state(self.name)).last_error
        return report

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set (then one last pass without waiting for retries)."""
        outage = Outage(log, f"delivery to hook {self._shown}")
        while not stop.is_set():
            try:
                async with self._holding() as lost:
                    if lost is None:
                        await self._clock.sleep(self._lease_ttl / 3, stop)
                        continue
                    while not (stop.is_set() or lost.is_set()):
                        again = await self._pass(LaneReport(self.name), block_ms=BLOCK_MS)
                        if again is not None:
                            await self._clock.sleep(again - self._clock.now(), stop)
                outage.ok()
            except Exception as exc:  # Redis away, a hook bug: the lane must go on
                await self._clock.sleep(outage.failed(exc), stop)
        await self.drain()

    async def _pass(self, report: LaneReport, block_ms: int | None) -> float | None:
        """Handle events until none is left (None) or the hook must wait (until when)."""
        while True:
            if self._next_attempt > self._clock.now():
                return self._next_attempt
            item = await self._next(None if self._digest else block_ms)
            if item is not None:
                await self._handle(item, report)
                continue
            if not self._digest:
                return None
            due = self._digest_since + (self.hook.digest or 0.0)
            if due > self._clock.now():
                return due
            await self._send_digest(report)

    async def _next(self, block_ms: int | None) -> Delivery | None:
        outbox = self._store.outbox
        if not self._queue and self._cursor is not None:
            batch = await outbox.read(self.name, CONSUMER, after=self._cursor)
            self._queue.extend(batch)
            self._cursor = batch[-1].entry_id if batch else None
        if not self._queue and self._cursor is None:
            self._queue.extend(await outbox.read(self.name, CONSUMER, block_ms=block_ms))
        return self._queue.popleft() if self._queue else None

    async def _handle(self, item: Delivery, report: LaneReport) -> None:
        if not self._rules.accepts(item.event):
            await self._store.deliveries.filtered(self.name, [item])
            report.filtered += 1
            return
        if self.hook.digest:
            if not self._digest:
                now = self._clock.now()
                self._digest_since = await self._store.deliveries.digest_started(self.name, now)
            self._digest.append(item)
            return
        try:
            await _guarded(self.hook.deliver(item.event))
        except DeliveryError as exc:
            if not await self._failed([item], exc, report):
                self._queue.appendleft(item)  # first in line again
            return
        await self._delivered([item], report)

    async def _send_digest(self, report: LaneReport) -> None:
        items = list(self._digest)
        try:
            await _guarded(self.hook.deliver_digest([i.event for i in items]))
        except DeliveryError as exc:
            if await self._failed(items, exc, report):
                self._digest.clear()
            return
        self._digest.clear()
        await self._delivered(items, report)

    async def _delivered(self, items: list[Delivery], report: LaneReport) -> None:
        await self._store.deliveries.delivered(self.name, items, self._clock.now())
        report.delivered += len(items)
        report.error = ""
        if self._failing_since is not None:
            log.info("hook %s delivers again after %d failed attempts", self._shown, self._attempts)
        self._attempts, self._failing_since, self._next_attempt = 0, None, 0.0

    async def _failed(self, items: list[Delivery], exc: DeliveryError, report: LaneReport) -> bool:
        """Record a failed attempt; True when ``items`` went to the dead letters."""
        now = self._clock.now()
        failing_since = self._failing_since if self._failing_since is not None else now
        deadline = self._policy.deadline(items[0].emitted, failing_since)
        give_up = exc.permanent or now >= deadline
        delay = self._policy.delay(self._attempts + 1, exc.retry_after, self._rand)
        next_at = now if give_up else min(now + delay, max(deadline, now + (exc.retry_after or 0)))
        state = await self._store.deliveries.failed(
            self.name, str(items[0].event.get("id", "")), str(exc), now, next_at
        )
        self._attempts, self._failing_since = state.attempts, state.failing_since
        self._next_attempt = next_at
        report.error = str(exc)
        if not give_up:
            log.warning(
                "hook %s: %s; attempt %d failed, next in %s",
                self._shown,
                exc,
                self._attempts,
                format_duration(next_at - now),
            )
            return False
        why = (
            "refused permanently"
            if exc.permanent
            else f"still failing after max_age ({format_duration(self._policy.max_age)})"
        )
        await self._store.deliveries.dead(self.name, items, str(exc), self._attempts, now)
        report.dead += len(items)
        log.error(
            "hook %s: %s, %d event(s) moved to dead letters (%s): %s",
            self._shown,
            why,
            len(items),
            items[0].event.get("id"),
            exc,
        )
        if exc.permanent:  # the receiver works; this event was the problem
            self._attempts, self._failing_since, self._next_attempt = 0, None, 0.0
        return True

    @contextlib.asynccontextmanager
    async def _holding(self) -> AsyncIterator[asyncio.Event | None]:
        """Hold the hook's lease (yields an event set if it is lost), or yield None."""
        log_store = self._store.deliveries
        if not await log_store.acquire_lease(self.name, self._token, self._lease_ttl):
            yield None
            return
        lost = asyncio.Event()
        keeper = asyncio.create_task(self._keep(lost))
        try:
            await self._take_over()
            yield lost
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            with contextlib.suppress(Exception):
                await log_store.release_lease(self.name, self._token)

    async def _keep(self, lost: asyncio.Event) -> None:
        try:
            while True:
                await asyncio.sleep(self._lease_ttl / 3)  # real time: the lease's TTL is
                if not await self._store.deliveries.renew_lease(
                    self.name, self._token, self._lease_ttl
                ):
                    break
        except Exception:  # Redis away: the lease may be gone; stop at the next event
            log.warning("hook %s: could not renew the delivery lease", self._shown)
        lost.set()

    async def _take_over(self) -> None:
        """Start a holding from what Redis says: unacknowledged events first, the state."""
        await self._store.outbox.claim_all(self.name, CONSUMER)
        state = await self._store.deliveries.state(self.name)
        self._attempts, self._failing_since = state.attempts, state.failing_since
        self._next_attempt = state.next_attempt
        self._digest_since = state.digest_since or 0.0
        self._queue.clear()
        self._digest.clear()
        self._cursor = "0-0"


async def _guarded(delivery: Coroutine[Any, Any, str]) -> str:
    """A hook's own bug (not a delivery failure) must neither stop the lane nor repeat for
    ever: it is logged with its traceback and makes the event a dead letter."""
    try:
        return await delivery
    except DeliveryError:
        raise
    except Exception as exc:
        log.exception("hook failed unexpectedly")
        raise DeliveryError(f"hook error {type(exc).__name__}: {exc}", permanent=True) from exc
