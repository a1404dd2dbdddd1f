"""``webhook`` hook: HTTP POST of the event's JSON.

At least once: an event is acknowledged after a 2xx answer; a crash between the answer and
the acknowledgement re-sends it, with the same ``id`` and an ``Idempotency-Key`` header so the
receiver can drop the repeat. 408/429/5xx and connection errors are retried with backoff;
other 4xx answers are permanent (logged, kept in the dead-letter list, not retried).
Webhook targets are the operator's own configuration, so the private-address guard for
crawled URLs does not apply to them.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from crawler.config import WebhookHook
from crawler.hooks.base import DeliveryError, Hook


class WebhookPostHook(Hook):
    def __init__(self, config: WebhookHook, user_agent: str) -> None:
        super().__init__(config)
        self._config = config
        self._user_agent = user_agent
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self._config.timeout),
            headers={"User-Agent": self._user_agent, **self._config.headers},
        )

    async def deliver(self, event: dict[str, Any]) -> None:
        if self._session is None:
            await self.start()
        assert self._session is not None
        try:
            async with self._session.post(
                self._config.url, json=event, headers={"Idempotency-Key": event["id"]}
            ) as resp:
                if 200 <= resp.status < 300:
                    return
                permanent = 400 <= resp.status < 500 and resp.status not in (408, 425, 429)
                raise DeliveryError(f"{self._config.url} answered {resp.status}", permanent)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryError(f"{self._config.url}: {exc!r}") from exc

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
