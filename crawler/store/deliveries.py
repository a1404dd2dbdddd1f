"""What each hook's delivery is doing, in Redis: counters, the retry state, dead letters and
the lease that lets one process at a time deliver a hook (so its order holds across processes).

Every change that acknowledges events is one MULTI/EXEC with the acknowledgement: an event
counted delivered, filtered or dead is acknowledged, and the other way round.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from crawler.store.keys import Keys
from crawler.store.outbox import Delivery

# KEYS[1] lease; ARGV token, ttl ms → 1 if the lease is now ours (also when it already was:
# after a lost connection the holder takes its own lease back at once)
_ACQUIRE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
"""
# KEYS[1] lease; ARGV token, ttl ms → 1 if the lease is (still) ours and extended
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_FAILURE_FIELDS = ("attempts", "failing_since", "last_error", "last_error_at", "next_attempt")


@dataclass(frozen=True, slots=True)
class HookState:
    """A hook's delivery record. ``failing_since``: start of the current run of failed
    attempts (None while deliveries succeed); ``attempts``: failed attempts in that run;
    ``next_attempt``: no attempt before this time (backoff, ``Retry-After``);
    ``digest_since``: when the digest being collected began (None: none is)."""

    delivered: int = 0
    filtered: int = 0
    dead: int = 0
    attempts: int = 0
    failing_since: float | None = None
    last_error: str = ""
    last_error_at: float | None = None
    next_attempt: float = 0.0
    head: str = ""
    last_delivered_at: float | None = None
    digest_since: float | None = None

    @classmethod
    def from_redis(cls, raw: dict[bytes, bytes]) -> HookState:
        data = {k.decode(): v.decode() for k, v in raw.items()}

        def number(key: str) -> float | None:
            return float(data[key]) if data.get(key) else None

        return cls(
            delivered=int(data.get("delivered", 0)),
            filtered=int(data.get("filtered", 0)),
            dead=int(data.get("dead", 0)),
            attempts=int(data.get("attempts", 0)),
            failing_since=number("failing_since"),
            last_error=data.get("last_error", ""),
            last_error_at=number("last_error_at"),
            next_attempt=number("next_attempt") or 0.0,
            head=data.get("head", ""),
            last_delivered_at=number("last_delivered_at"),
            digest_since=number("digest_since"),
        )


@dataclass(frozen=True, slots=True)
class DeadLetter:
    event: dict[str, Any]
    error: str
    attempts: int
    at: float
    raw: bytes  # the stored record, to remove exactly this one


class DeliveryLog:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    async def state(self, hook: str) -> HookState:
        return HookState.from_redis(await self._redis.hgetall(self._keys.hook_state(hook)))

    async def delivered(self, hook: str, items: list[Delivery], now: float) -> None:
        """``items`` reached the receiver: acknowledge, count, clear the failure state."""
        key = self._keys.hook_state(hook)
        async with self._redis.pipeline(transaction=True) as pipe:
            self._ack(pipe, hook, items)
            pipe.hincrby(key, "delivered", len(items))
            pipe.hset(key, mapping={"last_delivered_at": now, "head": ""})
            pipe.hdel(key, *_FAILURE_FIELDS, "digest_since")
            pipe.hincrby(self._keys.stats, "events_delivered", len(items))
            await pipe.execute()

    async def delivered_outside(self, hook: str, count: int, now: float) -> None:
        """Events delivered by ``hooks replay`` (not from the hook's queue): counted only."""
        key = self._keys.hook_state(hook)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(key, "delivered", count)
            pipe.hset(key, "last_delivered_at", now)
            await pipe.execute()

    async def filtered(self, hook: str, items: list[Delivery]) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            self._ack(pipe, hook, items)
            pipe.hincrby(self._keys.hook_state(hook), "filtered", len(items))
            await pipe.execute()

    async def failed(
        self, hook: str, head: str, error: str, now: float, next_attempt: float
    ) -> HookState:
        """One more failed attempt (the event ``head`` stays first in line)."""
        key = self._keys.hook_state(hook)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(key, "attempts", 1)
            pipe.hsetnx(key, "failing_since", now)
            mapping = {"last_error": error, "last_error_at": now, "next_attempt": next_attempt}
            pipe.hset(key, mapping={**mapping, "head": head})
            pipe.hgetall(key)
            reply = await pipe.execute()
        return HookState.from_redis(reply[-1])

    async def dead(
        self, hook: str, items: list[Delivery], error: str, attempts: int, now: float
    ) -> None:
        """``items`` go to the hook's dead letters (acknowledged: they leave the queue)."""
        records = [
            json.dumps(
                {"event": i.event, "error": error, "attempts": attempts, "at": now},
                ensure_ascii=False,
            )
            for i in items
        ]
        async with self._redis.pipeline(transaction=True) as pipe:
            self._ack(pipe, hook, items)
            pipe.rpush(self._keys.dead_letters(hook), *records)
            pipe.hincrby(self._keys.hook_state(hook), "dead", len(items))
            pipe.hset(self._keys.hook_state(hook), "head", "")
            pipe.hdel(self._keys.hook_state(hook), "digest_since")
            await pipe.execute()

    async def digest_started(self, hook: str, now: float) -> float:
        """When the digest being collected began (``now`` unless one was already begun)."""
        key = self._keys.hook_state(hook)
        await self._redis.hsetnx(key, "digest_since", now)
        return float(await self._redis.hget(key, "digest_since"))

    async def dead_letters(self, hook: str) -> list[DeadLetter]:
        out = []
        for raw in await self._redis.lrange(self._keys.dead_letters(hook), 0, -1):
            record = json.loads(raw)
            out.append(
                DeadLetter(
                    record["event"],
                    str(record.get("error", "")),
                    int(record.get("attempts", 0)),
                    float(record.get("at", 0.0)),
                    raw,
                )
            )
        return out

    async def dead_count(self, hook: str) -> int:
        return int(await self._redis.llen(self._keys.dead_letters(hook)))

    async def remove_dead(self, hook: str, letter: DeadLetter) -> None:
        await self._redis.lrem(self._keys.dead_letters(hook), 1, letter.raw)

    async def acquire_lease(self, hook: str, token: str, ttl: float) -> bool:
        key = self._keys.hook_lease(hook)
        return bool(await self._redis.eval(_ACQUIRE, 1, key, token, int(ttl * 1000)))

    async def renew_lease(self, hook: str, token: str, ttl: float) -> bool:
        key = self._keys.hook_lease(hook)
        return bool(await self._redis.eval(_RENEW, 1, key, token, int(ttl * 1000)))

    async def release_lease(self, hook: str, token: str) -> None:
        await self._redis.eval(_RELEASE, 1, self._keys.hook_lease(hook), token)

    def _ack(self, pipe: Pipeline, hook: str, items: list[Delivery]) -> None:
        if items:
            pipe.xack(self._keys.events, hook, *[i.entry_id for i in items])
