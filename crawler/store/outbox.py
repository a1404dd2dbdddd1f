"""The event outbox: a Redis stream that hooks consume through consumer groups.

* Adding is idempotent: a script adds an event only if its id was never added before, and it
  runs inside the same MULTI/EXEC as the state change that produced the event — the version and
  its events land together or not at all.
* Each hook is a consumer group; each process a consumer. An event is acknowledged only after
  the hook delivered it; events a crashed process held are claimed by another after
  ``CLAIM_IDLE_MS``. A hook's group is created when a process first starts with that hook, at
  the stream's end: a hook added later receives events from then on.
* The stream is capped at about ``MAX_EVENTS`` entries (oldest dropped), and the retention
  sweep trims what every hook delivered once it is ``[retention] events`` old
  (:meth:`Outbox.trim_delivered`); ids are remembered by generations of that length.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.exceptions import ResponseError

from crawler.models import Event
from crawler.store.generations import old
from crawler.store.keys import Keys

MAX_EVENTS = 200_000
CLAIM_IDLE_MS = 60_000
# KEYS[1] id set, KEYS[2] stream, KEYS[3] the id set's older generation; ARGV: maxlen, then
# id/json pairs → number added
_ADD = """
local added = 0
for i = 2, #ARGV, 2 do
  local known = redis.call('SISMEMBER', KEYS[3], ARGV[i]) == 1
  if not known and redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
    redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], '*', 'event', ARGV[i + 1])
    added = added + 1
  end
end
return added
"""


@dataclass(frozen=True, slots=True)
class Delivery:
    entry_id: str
    event: dict[str, Any]


class Outbox:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    def queue_add(self, pipe: Pipeline, events: list[Event]) -> None:
        """Add ``events`` within ``pipe``'s transaction (EVAL, not EVALSHA: safe in MULTI)."""
        if not events:
            return
        args: list[str | int] = [MAX_EVENTS]
        for event in events:
            args += [event.id, json.dumps(event.to_json(), ensure_ascii=False)]
        ids = self._keys.event_ids
        pipe.eval(_ADD, 3, ids, self._keys.events, old(ids), *args)

    async def add(self, events: list[Event]) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            self.queue_add(pipe, events)
            await pipe.execute()

    async def ensure_group(self, group: str) -> None:
        try:
            await self._redis.xgroup_create(self._keys.events, group, id="$", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def read(
        self,
        group: str,
        consumer: str,
        count: int = 100,
        block_ms: int | None = None,
        pending: bool = False,
    ) -> list[Delivery]:
        """New events (or, with ``pending``, this consumer's unacknowledged ones)."""
        reply = await self._redis.xreadgroup(
            group,
            consumer,
            {self._keys.events: "0" if pending else ">"},
            count=count,
            block=block_ms,
        )
        return [d for _, entries in reply or [] for d in _deliveries(entries)]

    async def claim_stale(self, group: str, consumer: str, count: int = 100) -> int:
        """Take over events another (dead) consumer held for longer than ``CLAIM_IDLE_MS``."""
        reply = await self._redis.xautoclaim(
            self._keys.events, group, consumer, CLAIM_IDLE_MS, "0-0", count=count, justid=True
        )
        return len(reply[1]) if reply and len(reply) > 1 else 0

    async def ack(self, group: str, entry_ids: list[str]) -> None:
        if entry_ids:
            await self._redis.xack(self._keys.events, group, *entry_ids)

    async def backlog(self, group: str) -> int:
        """Events of ``group`` not yet acknowledged (pending + never read)."""
        try:
            groups = await self._redis.xinfo_groups(self._keys.events)
        except ResponseError:
            return 0
        for info in groups:
            if _text(info.get("name")) == group:
                lag = info.get("lag")
                return int(info.get("pending", 0)) + int(lag or 0)
        return 0

    async def trim_delivered(self, before_ms: int) -> int:
        """Drop the events older than ``before_ms`` (epoch ms) that every hook's group has
        delivered (read and acknowledged); returns how many went. Event ids are remembered
        apart (``event-ids``, expiring by generations), so a trimmed event is never re-added.
        """
        try:
            groups = await self._redis.xinfo_groups(self._keys.events)
        except ResponseError:
            return 0  # no stream yet
        safe = [_ms(f"{before_ms}-0")]
        for info in groups:
            ms, seq = _ms(_text(info.get("last-delivered-id", "0-0")))
            safe.append((ms, seq + 1))  # everything up to the last delivered one may go
            if int(info.get("pending", 0)):
                summary = await self._redis.xpending(self._keys.events, _text(info["name"]))
                safe.append(_ms(_text(summary["min"])))
        low = min(safe)
        minid = f"{low[0]}-{low[1]}"
        return int(await self._redis.xtrim(self._keys.events, minid=minid, approximate=False))

    async def all_events(self) -> list[dict[str, Any]]:
        entries = await self._redis.xrange(self._keys.events)
        return [d.event for d in _deliveries(entries)]


def _deliveries(entries: list[Any]) -> list[Delivery]:
    out = []
    for entry_id, fields in entries:
        if not fields:  # deleted by trimming while pending
            continue
        out.append(Delivery(_text(entry_id), json.loads(fields[b"event"])))
    return out


def _ms(entry_id: str) -> tuple[int, int]:
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
