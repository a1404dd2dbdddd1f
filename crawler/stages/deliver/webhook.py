"""``webhook`` hook: HTTP POST of the event's JSON, signed per Standard Webhooks.

Headers: ``webhook-id`` (the event's id, the same on every retry), ``webhook-timestamp``
(Unix seconds of this attempt) and, when a ``secret`` is configured, ``webhook-signature:
v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`` — verifiable with any Standard
Webhooks library; ``Idempotency-Key`` carries the id as well.

At least once: an event is acknowledged after a 2xx answer; a crash between the answer and
the acknowledgement re-sends it with the same id. 408, 425, 429, 5xx, timeouts and network
errors are retried (``Retry-After`` respected); other answers — 3xx (redirects are not
followed: configure the final URL) and 4xx — are permanent at once and go to the hook's dead
letters. Webhook targets are the operator's own configuration, so the private-address guard
for crawled URLs does not apply to them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from http import HTTPStatus
from typing import Any

import aiohttp

from crawler.config import WebhookHook, secret_bytes
from crawler.fetch import retry_after
from crawler.stages.deliver.base import DeliveryError, Hook
from crawler.store import safe_url

RETRYABLE = frozenset({408, 425, 429})


class WebhookPostHook(Hook):
    def __init__(self, config: WebhookHook, user_agent: str) -> None:
        super().__init__(config)
        self._config = config
        self._user_agent = user_agent
        self._key = secret_bytes(config.secret.get_secret_value()) if config.secret else None
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._config.timeout),
                headers={"User-Agent": self._user_agent, **self._config.headers},
            )

    async def deliver(self, event: dict[str, Any]) -> str:
        await self.start()
        assert self._session is not None
        body = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
        headers = self.headers(event["id"], body, int(time.time()))
        try:
            async with self._session.post(
                self._config.url, data=body.encode("utf-8"), headers=headers, allow_redirects=False
            ) as resp:
                if 200 <= resp.status < 300:
                    return f"answered {resp.status}"
                raise _status_error(resp)
        except TimeoutError as exc:  # before ClientError: aiohttp's timeouts are both
            raise DeliveryError(f"no answer within {self._config.timeout:g}s") from exc
        except aiohttp.ClientError as exc:
            raise DeliveryError(describe_client_error(exc)) from exc

    def headers(self, event_id: str, body: str, timestamp: int) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": event_id,
            "webhook-id": event_id,
            "webhook-timestamp": str(timestamp),
        }
        if self._key is not None:
            signed = f"{event_id}.{timestamp}.{body}".encode()
            digest = hmac.new(self._key, signed, hashlib.sha256).digest()
            headers["webhook-signature"] = "v1," + base64.b64encode(digest).decode()
        return headers

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _status_error(resp: aiohttp.ClientResponse) -> DeliveryError:
    status = resp.status
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = resp.reason or ""
    message = f"answered {status} {reason}".strip()
    if 300 <= status < 400:
        message += " (redirects are not followed: configure the final URL)"
    permanent = status < 500 and status not in RETRYABLE
    wait = retry_after({k.lower(): v for k, v in resp.headers.items()})
    return DeliveryError(message, permanent=permanent, retry_after=wait)


def describe_client_error(exc: aiohttp.ClientError) -> str:
    """One readable line for an aiohttp failure (no object reprs, no secrets)."""
    if isinstance(exc, aiohttp.ClientConnectorError):
        error = exc.os_error
        reason = os.strerror(error.errno) if error.errno else str(error) or type(error).__name__
        return f"cannot connect to {exc.host}:{exc.port} ({reason.lower()})"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "the receiver closed the connection without answering"
    if isinstance(exc, aiohttp.InvalidURL):
        return f"invalid URL {safe_url(str(exc.url))}"
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"
