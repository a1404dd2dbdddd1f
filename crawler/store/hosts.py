"""Per-host state shared by every process on one Redis: politeness slots and robots.txt.

Politeness is one atomic script per request (:meth:`RedisHostState.reserve`): it drops expired
leases, refuses when ``limit`` requests to the host are in flight, and otherwise reserves the
next start time ``delay`` seconds after the previous one. Times come from the Redis server's
clock (``TIME``), so processes on different machines agree on them. A crashed process's slot
frees itself when its lease ends.

A finished request's slot is freed without a round trip of its own: the release rides on the
host's next reservation from this process (the script drops the freed tokens before it
counts), and whatever no reservation carried within ``RELEASE_LINGER`` seconds goes in one
pipeline for every host (:meth:`RedisHostState.flush`, and on :meth:`RedisHostState.close`). A slot
is so held at most that much longer than its request.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError

from crawler.errors import StoreError
from crawler.store.keys import Keys

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


def _translated(
    method: Callable[P, Coroutine[Any, Any, T]],
) -> Callable[P, Coroutine[Any, Any, T]]:
    """Redis failures surface as :class:`StoreError` (retried by the worker)."""

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await method(*args, **kwargs)
        except RedisError as exc:
            raise StoreError(f"per-host state ({method.__name__}): Redis failed: {exc}") from exc

    return wrapper


RELEASE_LINGER = 0.05  # seconds a freed slot waits to ride on the host's next reservation

# KEYS[1] busy zset, KEYS[2] next start; ARGV token, limit, delay, lease, max wait, then the
# tokens this process freed since → "-1" when every slot is taken, else seconds to wait
# before starting (slot reserved only when that is at most the max wait: a refused request
# must not push the next start out)
_RESERVE = """
for i = 6, #ARGV do redis.call('ZREM', KEYS[1], ARGV[i]) end
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return '-1'
end
local start = math.max(now, tonumber(redis.call('GET', KEYS[2]) or '0'))
if start - now > tonumber(ARGV[5]) then
  return string.format('%.6f', start - now)
end
local lease = tonumber(ARGV[4])
redis.call('ZADD', KEYS[1], start + lease, ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.ceil((start - now + lease) * 1000))
local follow = start + tonumber(ARGV[3])
redis.call('SET', KEYS[2], string.format('%.6f', follow), 'PX',
           math.ceil((follow - now) * 1000) + 1000)
return string.format('%.6f', start - now)
"""

# KEYS[1] next start; ARGV seconds → push the next start to now + seconds (never earlier)
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local follow = now + tonumber(ARGV[1])
if follow > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], string.format('%.6f', follow), 'PX',
             math.ceil(tonumber(ARGV[1]) * 1000) + 1000)
end
return 1
"""


class RedisHostState:
    """:class:`crawler.fetch.politeness.HostState` on Redis (shared by all processes)."""

    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys
        self._reserve = redis.register_script(_RESERVE)
        self._pause = redis.register_script(_PAUSE)
        self._freed: dict[str, list[str]] = {}  # host → tokens released, not yet sent
        self._flusher: asyncio.Task[None] | None = None

    @_translated
    async def reserve(
        self, host: str, token: str, limit: int, delay: float, lease: float, max_wait: float
    ) -> float | None:
        freed = self._freed.pop(host, [])
        try:
            reply = await self._reserve(
                keys=[self._keys.host_busy(host), self._keys.host_next(host)],
                args=[token, limit, f"{delay:.6f}", f"{lease:.3f}", f"{max_wait:.3f}", *freed],
            )
        except BaseException:
            self._freed.setdefault(host, []).extend(freed)  # still to be sent
            raise
        wait = float(reply)
        return None if wait < 0 else wait

    async def release(self, host: str, token: str) -> None:
        """Free the slot: sent with the host's next reservation, or within RELEASE_LINGER."""
        self._freed.setdefault(host, []).append(token)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_soon())

    async def flush(self) -> None:
        """Send every release not sent yet (one pipeline); a failure leaves them to their
        leases."""
        freed, self._freed = self._freed, {}
        if not freed:
            return
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for host, tokens in freed.items():
                    pipe.zrem(self._keys.host_busy(host), *tokens)
                await pipe.execute()
        except RedisError as exc:
            log.info("%d host slots not freed (%s): their leases free them", len(freed), exc)

    async def close(self) -> None:
        """Send what is left now (the store is closing)."""
        if self._flusher is not None and not self._flusher.done():
            self._flusher.cancel()
        await self.flush()

    async def _flush_soon(self) -> None:
        await asyncio.sleep(RELEASE_LINGER)
        await self.flush()

    @_translated
    async def pause(self, host: str, seconds: float) -> None:
        await self._pause(keys=[self._keys.host_next(host)], args=[f"{seconds:.3f}"])

    @_translated
    async def robots_get(self, origin: str) -> tuple[str, float] | None:
        """The cached robots.txt body and its remaining lifetime in seconds, or None."""
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.get(self._keys.robots(origin))
            pipe.pttl(self._keys.robots(origin))
            body, pttl = await pipe.execute()
        if body is None:
            return None
        return body.decode("utf-8", "replace"), max(0.0, int(pttl) / 1000.0)

    @_translated
    async def robots_put(self, origin: str, body: str, ttl: float) -> None:
        await self._redis.set(self._keys.robots(origin), body, px=max(1, int(ttl * 1000)))

    @_translated
    async def robots_lock(self, origin: str, ttl: float) -> bool:
        return bool(
            await self._redis.set(
                self._keys.robots_lock(origin), "1", nx=True, px=max(1, int(ttl * 1000))
            )
        )

    @_translated
    async def robots_unlock(self, origin: str) -> None:
        await self._redis.delete(self._keys.robots_lock(origin))
