"""Expiry by generations: how hashes and sets whose members cannot carry a TTL are forgotten.

A family (``{p}entries``, ``{p}useen:{s}``, ``{p}alias:{s}``, ``{p}event-ids``) has a current
key, where writes go, and an ``:old`` key; readers look in both. Every ``horizon`` the sweep
*rotates* it — the current key becomes ``:old`` and the previous ``:old`` is dropped — so a
member not written again is forgotten between one and two horizons after its last write.
Readers that find a member only in ``:old`` and still need it write it back (carry it over).
One rename per family per horizon: no per-member bookkeeping, no scan. The time is the
caller's (a clock parameter), never Redis's, so a simulation can move it.
"""

from __future__ import annotations

from redis.asyncio import Redis

from crawler.store.keys import Keys

# KEYS[1] current, KEYS[2] old, KEYS[3] the generation-start hash; ARGV[1] now
_ROTATE = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('RENAME', KEYS[1], KEYS[2])
else
  redis.call('DEL', KEYS[2])
end
redis.call('HSET', KEYS[3], KEYS[1], ARGV[1])
return 1
"""


def old(key: str) -> str:
    return f"{key}:old"


class Generations:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._started = f"{keys.prefix}generations"
        self._rotate = redis.register_script(_ROTATE)

    async def rotate_due(self, families: list[str], now: float, horizon: float) -> list[str]:
        """Rotate every family whose generation began ``horizon`` or more before ``now``;
        a family seen for the first time starts its generation now. Returns those rotated."""
        if not families:
            return []
        started = await self._redis.hmget(self._started, families)
        rotated = []
        for family, since in zip(families, started, strict=True):
            if since is None:
                await self._redis.hsetnx(self._started, family, repr(now))
            elif now - float(since) >= horizon:
                await self._rotate(keys=[family, old(family), self._started], args=[repr(now)])
                rotated.append(family)
        return rotated
