"""robots.txt (parsed by ``protego``), fetched once per origin and shared by every process.

Rules follow RFC 9309: only the first 500 KiB are parsed (a longer file is cut at its last
complete line within them, never treated as "no rules"); a 4xx answer (or more than the
redirect limit) means "no rules", a 5xx
answer or an unreachable server means "assume everything is disallowed for now" — the article
job gets a retryable error and is tried again later. The body is kept in the shared
:class:`~crawler.fetch.politeness.HostState` (Redis) for ``[crawler] robots_ttl``, failures for
:data:`FAILURE_TTL`; each process also keeps the parsed rules until the shared copy expires.
One process fetches an origin's robots.txt while the others wait for its result.
``Crawl-delay`` raises the per-host delay for that host.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from crawler.core.urls import source_of
from crawler.errors import (
    BlockedAddressError,
    FetchError,
    HTTPStatusError,
    RedirectError,
    RobotsDisallowedError,
    TooLargeError,
)
from crawler.fetch.politeness import HostState

log = logging.getLogger(__name__)

MAX_ROBOTS_BYTES = 512_000  # RFC 9309: parse at least the first 500 KiB
FAILURE_TTL = 300.0
LOCK_TTL = 30.0
WAIT_FOR_OTHER = 20.0
MAX_CRAWL_DELAY = 60.0
MEMORY_ENTRIES = 10_000
_FAILED = "\0unreachable: "

Download = Callable[[str], Awaitable[bytes]]


@dataclass(frozen=True, slots=True)
class _Rules:
    parser: Protego | None  # None: no rules (allow everything)
    failure: str = ""
    expires: float = 0.0


class RobotsRules:
    """``await robots.check(url)`` raises when robots.txt forbids ``url``."""

    def __init__(self, state: HostState, download: Download, user_agent: str, ttl: float) -> None:
        self._state = state
        self._download = download
        self._agent = user_agent
        self._ttl = ttl
        self._memory: dict[str, _Rules] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def check(self, url: str) -> float | None:
        """Raise :class:`RobotsDisallowedError` (or a retryable error while robots.txt is
        unreachable); otherwise return the origin's ``Crawl-delay`` for us, if any."""
        rules = await self._rules(_origin(url))
        if rules.failure:
            raise FetchError(
                f"robots.txt unreachable, not fetching yet ({rules.failure})",
                url=url,
                retry_after=max(1.0, rules.expires - time.monotonic()),
            )
        if rules.parser is None:
            return None
        if not rules.parser.can_fetch(url, self._agent):
            raise RobotsDisallowedError("robots.txt disallows this URL", url=url)
        delay = rules.parser.crawl_delay(self._agent)
        return min(float(delay), MAX_CRAWL_DELAY) if delay else None

    async def _rules(self, origin: str) -> _Rules:
        found = self._memory.get(origin)
        if found is not None and found.expires > time.monotonic():
            return found
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            found = self._memory.get(origin)
            if found is None or found.expires <= time.monotonic():
                body, ttl = await self._shared(origin)
                found = _parse(body, time.monotonic() + ttl)
                self._remember(origin, found)
        self._locks.pop(origin, None)
        return found

    async def _shared(self, origin: str) -> tuple[str, float]:
        cached = await self._state.robots_get(origin)
        if cached is not None:
            return cached
        if not await self._state.robots_lock(origin, LOCK_TTL):
            waited = await self._wait_for_other(origin)
            if waited is not None:
                return waited
        try:
            body, ttl = await self._fetch(origin)
            await self._state.robots_put(origin, body, ttl)
        finally:
            await self._state.robots_unlock(origin)
        return body, ttl

    async def _wait_for_other(self, origin: str) -> tuple[str, float] | None:
        """Another process is fetching this robots.txt: use its result when it lands."""
        deadline = time.monotonic() + WAIT_FOR_OTHER
        while time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            cached = await self._state.robots_get(origin)
            if cached is not None:
                return cached
        return None

    async def _fetch(self, origin: str) -> tuple[str, float]:
        url = f"{origin}/robots.txt"
        try:
            body = await self._download(url)
        except HTTPStatusError as exc:
            if 400 <= exc.status < 500 and exc.status != 429:
                return "", self._ttl
            return _FAILED + str(exc), FAILURE_TTL
        except (RedirectError, TooLargeError):
            return "", self._ttl
        except BlockedAddressError:
            raise
        except FetchError as exc:
            return _FAILED + str(exc), FAILURE_TTL
        log.debug("fetched %s (%d bytes)", url, len(body))
        return _prefix(body).decode("utf-8", "replace"), self._ttl

    def _remember(self, origin: str, rules: _Rules) -> None:
        if len(self._memory) >= MEMORY_ENTRIES:
            self._memory.pop(next(iter(self._memory)))
        self._memory[origin] = rules


def _parse(body: str, expires: float) -> _Rules:
    if body.startswith(_FAILED):
        return _Rules(None, failure=body.removeprefix(_FAILED) or "error", expires=expires)
    if not body.strip():
        return _Rules(None, expires=expires)
    try:
        return _Rules(Protego.parse(body), expires=expires)
    except Exception as exc:  # protego is lenient; anything it still chokes on means no rules
        log.info("unparseable robots.txt treated as no rules: %r", exc)
        return _Rules(None, expires=expires)


def _prefix(body: bytes) -> bytes:
    """The part of robots.txt that is parsed: all of it, or when it reaches
    ``MAX_ROBOTS_BYTES`` (the fetcher cut it there) its complete lines up to that point."""
    if len(body) < MAX_ROBOTS_BYTES:
        return body
    body = body[:MAX_ROBOTS_BYTES]
    end = max(body.rfind(b"\n"), body.rfind(b"\r"))
    log.info("robots.txt over %d bytes: parsing its first %d", MAX_ROBOTS_BYTES, end + 1)
    return body[: end + 1]


def _origin(url: str) -> str:
    """``scheme://host[:port]``, the host normalised like every per-host key."""
    return f"{urlsplit(url).scheme.lower()}://{source_of(url)}"
