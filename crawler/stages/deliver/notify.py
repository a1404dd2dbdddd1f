"""``apprise`` hook: messages for people on chat, push and e-mail channels through Apprise.

One Apprise target per configured URL (Slack, Telegram, Teams, Discord, Matrix, ntfy,
e-mail, … — the 100+ services Apprise knows). The message is rendered from the hook's
templates (:mod:`crawler.stages.deliver.messages`). When one service of several fails, a
retry of the same message goes only to those that have not yet received it, so a working
channel is not spammed while a broken one is retried. Apprise reports no kind of failure
that retrying could not mend, so every failure is retried until the hook's ``max_age``.

Apprise is synchronous: each send runs in a worker thread, bounded by the hook's
``timeout`` (connect and read timeouts of the service). It keeps nothing on disk (memory
storage mode) and logs through the ``apprise`` logger.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import apprise

from crawler.config import AppriseHook
from crawler.core.text import stable_hash
from crawler.stages.deliver.base import DeliveryError, Hook
from crawler.stages.deliver.messages import Message, Messages

log = logging.getLogger(__name__)


class AppriseNotifyHook(Hook):
    def __init__(self, config: AppriseHook) -> None:
        super().__init__(config)
        self._config = config
        self.messages = Messages(config.templates)  # ValueError on an unknown placeholder
        self.digest = config.digest
        self._services: list[apprise.Apprise] = []
        self._sent: tuple[str, frozenset[int]] = ("", frozenset())

    async def start(self) -> None:
        if self._services:
            return
        asset = apprise.AppriseAsset(
            app_id="newswatch", app_desc="newswatch", storage_mode="memory"
        )
        for i, url in enumerate(self._config.urls):
            target = apprise.Apprise.instantiate(url.get_secret_value(), asset=asset)
            if target is None:  # pragma: no cover - the configuration checked every URL
                raise DeliveryError(f"urls[{i}]: apprise cannot parse this URL", permanent=True)
            target.socket_connect_timeout = self._config.timeout
            target.socket_read_timeout = self._config.timeout
            service = apprise.Apprise(asset=asset)
            service.add(target)
            self._services.append(service)

    async def deliver(self, event: dict[str, Any]) -> str:
        return await self.send(str(event.get("id", "")), self.messages.render(event))

    async def deliver_digest(self, events: list[dict[str, Any]]) -> str:
        window = self.digest or 0.0
        key = "digest:" + stable_hash("\x1f".join(str(e.get("id")) for e in events), size=12)
        return await self.send(key, self.messages.digest(events, window))

    async def send(self, key: str, message: Message) -> str:
        """Send ``message`` to every service that has not yet received it under ``key``."""
        await self.start()
        done = self._sent[1] if self._sent[0] == key else frozenset()
        failures = []
        for i, service in enumerate(self._services):
            if i in done:
                continue
            error = await asyncio.to_thread(_notify, service, message)
            if error is None:
                done |= {i}
            else:
                failures.append(f"{self._config.schemes[i]}:// {error}")
        self._sent = (key, done)
        if failures:
            raise DeliveryError("; ".join(failures))
        return f"sent to {len(self._services)} service(s): {', '.join(self._config.schemes)}"


def _notify(service: apprise.Apprise, message: Message) -> str | None:
    """Send in this (worker) thread; None when delivered, else the reason in one line."""
    result = service.notify(
        body=message.body or message.title,
        title=message.title,
        body_format=apprise.NotifyFormat.TEXT,
    )
    if result:
        return None
    reasons = [
        entry.message for entry in result.logs() if entry.level in ("WARNING", "ERROR", "CRITICAL")
    ]
    return reasons[-1].strip() if reasons else "the service did not accept the message"
