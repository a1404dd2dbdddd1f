"""Per-host politeness: at most K requests in flight and D seconds between starts, per host.

The limits hold across every process that shares a :class:`HostState` — the Redis one
(:class:`crawler.store.hosts.RedisHostState`) in the scheduler and the workers, an in-memory
one in one-off commands (``newswatch extract``). A host is ``host[:port]`` of the URL
(:func:`crawler.core.urls.source_of`: the default port dropped, so ``a.com`` and ``a.com:443``
are one host), so two sites on one machine but different ports are paced separately, like
robots.txt origins.

Waiting is bounded: a request that would have to wait more than ``max_wait`` seconds raises
:class:`~crawler.errors.HostBusyError` (retryable, with ``retry_after``), so an article job is
deferred by arq instead of holding a worker slot, and a feed poll backs off. Such a refusal
reserves nothing: the check is part of the atomic reservation, so refused requests never push
the host's next start further out (a ``Retry-After`` pause is not lengthened by the jobs it
bounces).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol

from crawler.core.urls import source_of
from crawler.errors import HostBusyError

log = logging.getLogger(__name__)

BUSY_POLL = (0.02, 0.08)  # seconds between checks while every slot of a host is taken


class HostState(Protocol):
    """Where per-host slots and robots.txt bodies live (see :mod:`crawler.store.hosts`)."""

    async def reserve(
        self, host: str, token: str, limit: int, delay: float, lease: float, max_wait: float
    ) -> float | None:
        """None when ``limit`` requests are in flight; else the seconds until this request may
        start — reserved when at most ``max_wait``, nothing reserved when more."""

    async def release(self, host: str, token: str) -> None: ...

    async def pause(self, host: str, seconds: float) -> None: ...

    async def robots_get(self, origin: str) -> tuple[str, float] | None: ...

    async def robots_put(self, origin: str, body: str, ttl: float) -> None: ...

    async def robots_lock(self, origin: str, ttl: float) -> bool: ...

    async def robots_unlock(self, origin: str) -> None: ...


@dataclass
class _Host:
    next_start: float = 0.0
    busy: dict[str, float] = field(default_factory=dict)


class MemoryHostState:
    """The same semantics as the Redis state, for one process only."""

    def __init__(self) -> None:
        self._hosts: dict[str, _Host] = {}
        self._robots: dict[str, tuple[str, float]] = {}
        self._locks: set[str] = set()

    async def reserve(
        self, host: str, token: str, limit: int, delay: float, lease: float, max_wait: float
    ) -> float | None:
        now = time.time()
        state = self._hosts.setdefault(host, _Host())
        state.busy = {t: end for t, end in state.busy.items() if end > now}
        if len(state.busy) >= limit:
            return None
        start = max(now, state.next_start)
        if start - now > max_wait:
            return start - now
        state.busy[token] = start + lease
        state.next_start = start + delay
        return start - now

    async def release(self, host: str, token: str) -> None:
        state = self._hosts.get(host)
        if state is not None:
            state.busy.pop(token, None)
            if not state.busy and state.next_start < time.time():
                del self._hosts[host]

    async def pause(self, host: str, seconds: float) -> None:
        state = self._hosts.setdefault(host, _Host())
        state.next_start = max(state.next_start, time.time() + seconds)

    async def robots_get(self, origin: str) -> tuple[str, float] | None:
        found = self._robots.get(origin)
        if found is None or found[1] <= time.time():
            return None
        return found[0], found[1] - time.time()

    async def robots_put(self, origin: str, body: str, ttl: float) -> None:
        self._robots[origin] = (body, time.time() + ttl)

    async def robots_lock(self, origin: str, ttl: float) -> bool:
        if origin in self._locks:
            return False
        self._locks.add(origin)
        return True

    async def robots_unlock(self, origin: str) -> None:
        self._locks.discard(origin)


def host_of(url: str) -> str:
    """``host[:port]`` of a URL (the unit of politeness): :func:`~crawler.core.urls.source_of`."""
    return source_of(url)


class HostGate:
    """``async with gate.slot(url): …`` waits for the host's turn, then holds one slot."""

    def __init__(
        self, state: HostState, limit: int, delay: float, lease: float, max_wait: float = 60.0
    ) -> None:
        self._state = state
        self._limit = limit
        self._delay = delay
        self._lease = lease
        self._max_wait = max_wait
        self._local: dict[str, tuple[asyncio.Semaphore, int]] = {}

    @contextlib.asynccontextmanager
    async def slot(self, url: str, delay: float | None = None) -> AsyncIterator[None]:
        host = host_of(url)
        async with self._local_turn(host):
            token = await self._reserve(host, url, self._delay if delay is None else delay)
            try:
                yield
            finally:
                await self._state.release(host, token)

    async def pause(self, url: str, seconds: float) -> None:
        """Hold every process's requests to ``url``'s host for ``seconds`` (Retry-After)."""
        await self._state.pause(host_of(url), min(seconds, self._max_wait * 10))

    @contextlib.asynccontextmanager
    async def _local_turn(self, host: str) -> AsyncIterator[None]:
        """At most ``limit`` coroutines of this process contend for one host in Redis."""
        sem, users = self._local.get(host) or (asyncio.Semaphore(self._limit), 0)
        self._local[host] = (sem, users + 1)
        try:
            async with sem:
                yield
        finally:
            sem, users = self._local[host]
            if users <= 1:
                del self._local[host]
            else:
                self._local[host] = (sem, users - 1)

    async def _reserve(self, host: str, url: str, delay: float) -> str:
        token = uuid.uuid4().hex
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._max_wait
        while True:
            wait = await self._state.reserve(
                host, token, self._limit, delay, self._lease + self._max_wait, self._max_wait
            )
            if wait is None:  # every slot is held by other processes
                if loop.time() >= deadline:
                    raise HostBusyError(
                        f"{host} stayed busy for {self._max_wait:.0f}s",
                        url=url,
                        retry_after=self._max_wait,
                    )
                await asyncio.sleep(random.uniform(*BUSY_POLL))
                continue
            if wait > self._max_wait:  # refused: nothing was reserved
                raise HostBusyError(
                    f"{host} is paced: next request in {wait:.0f}s", url=url, retry_after=wait
                )
            if wait > 0:
                log.debug("waiting %.2fs for %s", wait, host)
                await asyncio.sleep(wait)
            return token
