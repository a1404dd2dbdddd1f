"""How much of Redis newswatch uses: server memory, and keys and bytes per key family.

A *family* is a key's first part after ``[redis] key_prefix`` (``a``, ``v``, ``lsh``,
``entries``, ``events``…, see :mod:`crawler.store.keys`); ``arq`` counts arq's own per-job
keys, which arq names ``arq:job:{job id}`` etc. (its prefixes are fixed in arq 0.28; every
newswatch job id starts with the key prefix, so they are found by it). Bytes are Redis's
``MEMORY USAGE`` estimate per key (nested values sampled), read in pipelined batches: one
SCAN pass over the prefix, fine for ``status`` and benchmarks, not for a hot path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis

from crawler.store.keys import Keys

BATCH = 1000


@dataclass(frozen=True, slots=True)
class Family:
    keys: int
    bytes: int


class Usage:
    """``store.usage``: this store's memory and families (``status``, ``/metrics``)."""

    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    async def memory(self) -> dict[str, int]:
        return await memory(self._redis)

    async def families(self) -> dict[str, Family]:
        return await families(self._redis, self._keys.prefix)


async def memory(redis: Redis) -> dict[str, int]:
    """The server's ``used_memory`` and ``maxmemory`` (bytes; 0: no limit)."""
    info = await redis.info("memory")
    return {"used": int(info.get("used_memory", 0)), "max": int(info.get("maxmemory", 0))}


async def families(redis: Redis, prefix: str) -> dict[str, Family]:
    """Keys and bytes per family under ``prefix`` (largest first)."""
    totals: dict[str, list[int]] = {}
    patterns: list[tuple[str, Callable[[str], str]]] = [
        (f"{prefix}*", lambda k: k[len(prefix) :].split(":", 1)[0]),
        (f"arq:*:{prefix}*", lambda k: "arq"),
    ]
    for pattern, family_of in patterns:
        batch: list[str] = []
        async for raw in redis.scan_iter(match=pattern, count=BATCH):
            batch.append(raw.decode() if isinstance(raw, bytes) else raw)
            if len(batch) >= BATCH:
                await _measure(redis, batch, family_of, totals)
                batch = []
        await _measure(redis, batch, family_of, totals)
    ranked = sorted(totals.items(), key=lambda item: -item[1][1])
    return {name: Family(keys, size) for name, (keys, size) in ranked}


async def _measure(
    redis: Redis, keys: list[str], family_of: Callable[[str], str], totals: dict[str, list[int]]
) -> None:
    if not keys:
        return
    async with redis.pipeline(transaction=False) as pipe:
        for key in keys:
            pipe.memory_usage(key)
        sizes = await pipe.execute()
    for key, size in zip(keys, sizes, strict=True):
        entry = totals.setdefault(family_of(key), [0, 0])
        entry[0] += 1
        entry[1] += int(size or 0)
