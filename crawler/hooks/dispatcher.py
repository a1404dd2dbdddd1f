"""Moves events from the outbox to the hooks, each hook at its own pace.

Per hook (one consumer group each): first this consumer's unacknowledged events (earlier
failures), then new ones, in order. A failing delivery stops that hook's batch and backs off
exponentially (capped); other hooks go on. A permanent failure (e.g. HTTP 400) is logged,
recorded in ``{prefix}dead:{hook}`` and acknowledged, so one bad event cannot block a hook.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket

from crawler.errors import ConfigError
from crawler.hooks.base import DeliveryError, Hook
from crawler.outage import Outage
from crawler.store import Delivery, Store

log = logging.getLogger(__name__)

MAX_BACKOFF = 300.0


class Dispatcher:
    def __init__(self, store: Store, hooks: list[Hook]) -> None:
        self._store = store
        self._hooks = hooks
        self._consumer = f"{socket.gethostname()}:{os.getpid()}"
        self._backoff: dict[str, float] = {}
        self._not_before: dict[str, float] = {}

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

    async def drain(self) -> int:
        """Deliver everything deliverable now; returns the number of events delivered."""
        total = 0
        for hook in self._hooks:
            await self._store.outbox.claim_stale(hook.name, self._consumer)
            for pending in (True, False):
                while True:
                    batch = await self._store.outbox.read(
                        hook.name, self._consumer, pending=pending
                    )
                    delivered, ok = await self._deliver(hook, batch)
                    total += delivered
                    if not ok or not batch or pending:
                        break
                if not ok:
                    break
        if total:
            await self._store.count(events_delivered=total)
        return total

    async def run(self, stop: asyncio.Event, interval: float = 1.0) -> None:
        """Deliver until ``stop`` is set, then once more so nothing emitted is left behind."""
        outage = Outage(log, "event delivery")
        while not stop.is_set():
            wait = interval
            try:
                await self.drain()
                outage.ok()
            except Exception as exc:  # a Redis outage or a hook bug must not end the loop
                wait = outage.failed(exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=wait)
        try:
            await self.drain()
        except Exception:
            log.exception("final event delivery failed; the events stay in the outbox")

    async def _deliver(self, hook: Hook, batch: list[Delivery]) -> tuple[int, bool]:
        now = asyncio.get_running_loop().time()
        if batch and now < self._not_before.get(hook.name, 0.0):
            return 0, False
        delivered = 0
        for item in batch:
            try:
                if hook.accepts(item.event):
                    await hook.deliver(item.event)
                    delivered += 1
            except DeliveryError as exc:
                if not exc.permanent:
                    self._fail(hook, exc, now)
                    return delivered, False
                await self._dead_letter(hook, item, exc)
            await self._store.outbox.ack(hook.name, [item.entry_id])
        self._backoff.pop(hook.name, None)
        return delivered, True

    def _fail(self, hook: Hook, exc: DeliveryError, now: float) -> None:
        delay = min(MAX_BACKOFF, self._backoff.get(hook.name, 0.5) * 2)
        self._backoff[hook.name] = delay
        self._not_before[hook.name] = now + delay
        log.warning("hook %s failed (%s); retrying in %.0fs", hook.name, exc, delay)

    async def _dead_letter(self, hook: Hook, item: Delivery, exc: DeliveryError) -> None:
        log.error("hook %s refused event %s permanently: %s", hook.name, item.event["id"], exc)
        record = json.dumps({"error": str(exc), "event": item.event}, ensure_ascii=False)
        await self._store.redis.rpush(self._store.keys.dead_letters(hook.name), record)
