"""Heartbeats of the running roles, so that ``/readyz`` (often in another process) can tell
whether a scheduler and a worker are alive.

``{p}heartbeats`` is a sorted set ``role:process`` → time of the last beat. Each running role
beats every :data:`BEAT_EVERY` seconds; a beat older than :data:`FRESH_FOR` is stale (the
process died or hangs). The key itself expires :data:`KEEP` after the last beat of any role,
so an installation that stopped leaves nothing behind, and a role that stops cleanly removes
its own member.
"""

from __future__ import annotations

from redis.asyncio import Redis

from crawler.store.keys import Keys

BEAT_EVERY = 10.0
FRESH_FOR = 3 * BEAT_EVERY
KEEP = 24 * 3600


class Heartbeats:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    async def beat(self, roles: list[str], process: str, now: float) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(self._keys.heartbeats, {f"{role}:{process}": now for role in roles})
            pipe.zremrangebyscore(self._keys.heartbeats, "-inf", now - KEEP)
            pipe.expire(self._keys.heartbeats, KEEP)
            await pipe.execute()

    async def stop(self, roles: list[str], process: str) -> None:
        await self._redis.zrem(self._keys.heartbeats, *(f"{r}:{process}" for r in roles))

    async def fresh(self, now: float) -> dict[str, list[str]]:
        """Role → the processes whose last beat is at most :data:`FRESH_FOR` old."""
        members = await self._redis.zrangebyscore(self._keys.heartbeats, now - FRESH_FOR, "+inf")
        out: dict[str, list[str]] = {}
        for member in members:
            role, _, process = member.decode().partition(":")
            out.setdefault(role, []).append(process)
        return out
