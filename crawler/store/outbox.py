"""The event outbox: a Redis stream that hooks consume through consumer groups.

* Adding is idempotent: a script adds an event only if its id was never added before, and it
  runs inside the same MULTI/EXEC as the state change that produced the event — the version and
  its events land together or not at all.
* Each hook is a consumer group. One process at a time delivers a hook (it holds the hook's
  lease, :mod:`crawler.store.deliveries`) and reads as one consumer; on taking the lease it
  claims whatever another process left unacknowledged (:meth:`Outbox.claim_all`). An event is
  acknowledged only after the hook delivered it (or it was filtered out or dead-lettered).
  A hook's group is created when a process first starts with that hook, at the stream's end: a
  hook added later receives events from then on.
* An event is stored compressed: its ``type`` in the clear (the tally counts it server-side)
  and ``z``, its compact JSON deflated with a preset dictionary of the events' own keys and
  stock values (:data:`EVENTS`, :mod:`crawler.store.packing`; about a third of the JSON's size
  — an outbox entry was the largest thing a stored copy kept). Entries written before (one
  ``event`` field of plain JSON) read as they are. The dictionary is part of the stored format:
  a different one needs a new field name.
* The stream is capped at about ``MAX_EVENTS`` entries (oldest dropped), and the retention
  sweep trims what every hook delivered once it is ``[retention] events`` old
  (:meth:`Outbox.trim_delivered`); ids are remembered by generations of that length.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.exceptions import ResponseError

from crawler.models import Event
from crawler.store.generations import old
from crawler.store.keys import Keys
from crawler.store.packing import Packing

MAX_EVENTS = 200_000
# the keys and stock values of the events (crawler.models.Event.to_json), most common last
EVENTS = Packing(
    b"",
    (
        b'"fact":{"kind":"killed","subject":"","value":,"low":,"high":,"qualifier":"","quantity":'
        b'"exact","role":"total","scope":{},"attribution":"","text":"'
        b'"previous":"figure":"sources":"change":"revised","reported_at":null,"seen_at":"'
        b'"article.updated:","diff":"changed_sentences":"added":"removed":"fact.revised:"'
        b',"relevance":0.0,"shared_terms":[],"seed_relevance":0.0,"profile_relevance":0.0}'
        b'{"id":"article.related:","type":"article.related","story":"","at":"2026-'
        b'{"id":"article.duplicate:","type":"article.duplicate","story":"","at":"2026-'
        b'T00:00:00.000000Z","article":{"url":"https://www.","canonical_url":"https://www.'
        b'","title":"","source":"","version":1},"duplicate_of":"https://www.'
        b'","similarity":1.0,"containment":1.0,"changed_sentences":0}'
    ),
)
# KEYS[1] id set, KEYS[2] stream, KEYS[3] the id set's older generation; ARGV: maxlen, then
# id/type/compressed triples → number added
_ADD = """
local added = 0
for i = 2, #ARGV, 3 do
  local known = redis.call('SISMEMBER', KEYS[3], ARGV[i]) == 1
  if not known and redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
    redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], '*', 'type', ARGV[i + 1], 'z', ARGV[i + 2])
    added = added + 1
  end
end
return added
"""


@dataclass(frozen=True, slots=True)
class Delivery:
    entry_id: str
    event: dict[str, Any]

    @property
    def emitted(self) -> float:
        """When the event was added to the outbox (epoch seconds; the stream entry's id)."""
        return int(self.entry_id.split("-", 1)[0]) / 1000


class Outbox:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    def queue_add(self, pipe: Pipeline, events: list[Event]) -> None:
        """Add ``events`` within ``pipe``'s transaction (EVAL, not EVALSHA: safe in MULTI)."""
        if not events:
            return
        args: list[str | int | bytes] = [MAX_EVENTS]
        for event in events:
            args += [event.id, event.type, encode(event.to_json())]
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
        after: str | None = None,
    ) -> list[Delivery]:
        """New events, or with ``after`` this consumer's unacknowledged ones past that entry id
        (``"0-0"``: from the first). Entries trimmed from the stream while unacknowledged are
        acknowledged here: there is nothing left to deliver."""
        while True:
            reply = await self._redis.xreadgroup(
                group,
                consumer,
                {self._keys.events: ">" if after is None else after},
                count=count,
                block=block_ms,
            )
            entries = [e for _, stream_entries in reply or [] for e in stream_entries]
            await self.ack(group, [_text(entry_id) for entry_id, fields in entries if not fields])
            found = _deliveries(entries)
            if found or not entries or after is None:
                return found
            after = _text(entries[-1][0])  # a batch of trimmed entries only: read on

    async def claim_all(self, group: str, consumer: str) -> int:
        """Move every unacknowledged event of ``group`` to ``consumer`` — called by the one
        process that holds the hook's lease, so whatever others held is theirs no more."""
        cursor, moved = "0-0", 0
        while True:
            reply = await self._redis.xautoclaim(  # (not justid: redis-py drops the cursor)
                self._keys.events, group, consumer, 0, cursor, count=500
            )
            moved += len(reply[1])
            cursor = _text(reply[0])
            if cursor == "0-0":
                return moved

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
        return [d.event for d in await self.since(0.0)]

    async def since(self, when: float, count: int | None = None) -> list[Delivery]:
        """The events still in the stream emitted at or after ``when`` (epoch seconds)."""
        entries = await self._redis.xrange(self._keys.events, min=f"{int(when * 1000)}-0")
        out = _deliveries(entries)
        return out if count is None else out[:count]


def encode(data: dict[str, Any]) -> bytes:
    """An event as stored in ``z`` (:data:`EVENTS`)."""
    return EVENTS.pack(data)


def decode(fields: Mapping[bytes, bytes]) -> dict[str, Any] | None:
    """The event of a stream entry's fields (either layout), or None when it holds none."""
    if b"z" in fields:
        event: dict[str, Any] = EVENTS.unpack(fields[b"z"])
        return event
    return json.loads(fields[b"event"]) if b"event" in fields else None


def _deliveries(entries: list[Any]) -> list[Delivery]:
    out = []
    for entry_id, fields in entries:
        event = decode(fields) if fields else None  # no fields: trimmed while pending
        if event is not None:
            out.append(Delivery(_text(entry_id), event))
    return out


def _ms(entry_id: str) -> tuple[int, int]:
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
