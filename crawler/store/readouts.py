"""Read-only views for the web view, the API and ``/metrics`` — plus the two small counters
only they need (job latency buckets, events by type).

* Outlet names: ``{p}outlets`` host → name (written by the scheduler, see
  :mod:`crawler.core.outlets`).
* Job latency: the worker adds each job's duration to ``{p}job-latency`` (its bucket and the
  sum), in the same pipeline as the job's outcome counter (``{p}stats``, :func:`queue_counts`);
  :meth:`Readouts.job_latency` reads it back.
* Events by type: counted at scrape time from the outbox stream by one script that
  remembers the last stream id it counted (``{p}event-tally``), so the outbox stays as it is
  and two scrapers never count an event twice. Events trimmed from the stream before a
  first scrape are not counted.
* The outbox stream itself, read by position: the newest events of a story, and pages of
  events after a cursor (the stream id of the last event seen).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from crawler.store.keys import Keys
from crawler.store.outbox import decode

JOB_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
SCAN_BATCH = 500
SCAN_MAX = 20_000  # stream entries one request may look at
_TALLY = """
local last = redis.call('HGET', KEYS[2], '_last') or '0-0'
local entries = redis.call('XRANGE', KEYS[1], '(' .. last, '+', 'COUNT', tonumber(ARGV[1]))
for _, entry in ipairs(entries) do
  local fields = entry[2]
  for i = 1, #fields, 2 do
    if fields[i] == 'type' then
      redis.call('HINCRBY', KEYS[2], 't:' .. fields[i + 1], 1)
    elseif fields[i] == 'event' then  -- an entry written before events were compressed
      local ok, event = pcall(cjson.decode, fields[i + 1])
      local kind = (ok and type(event) == 'table' and event['type']) or 'unknown'
      redis.call('HINCRBY', KEYS[2], 't:' .. tostring(kind), 1)
    end
  end
  last = entry[1]
end
redis.call('HSET', KEYS[2], '_last', last)
return redis.call('HGETALL', KEYS[2])
"""


def job_counter(outcome: str) -> dict[str, int]:
    """The ``{p}stats`` counter a job's one-word outcome adds to (``jobs_already_judged``)."""
    return {f"jobs_{outcome.replace('-', '_')}": 1}


@dataclass(frozen=True, slots=True)
class Latency:
    buckets: tuple[tuple[float, int], ...]  # (upper bound, jobs in that bucket only); inf last
    total: float
    count: int


class Readouts:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys
        self._tally = redis.register_script(_TALLY)

    async def outlets(self) -> dict[str, str]:
        raw = await self._redis.hgetall(self._keys.outlets)
        return {k.decode(): v.decode() for k, v in raw.items()}

    async def record_job(self, seconds: float, counters: Mapping[str, int] | None = None) -> None:
        """A job attempt's duration, and the ``counters`` it adds to ``{p}stats`` (its
        outcome): one round trip."""
        async with self._redis.pipeline(transaction=False) as pipe:
            self.queue_job(pipe, seconds, counters or {})
            await pipe.execute()

    def queue_job(self, pipe: Pipeline, seconds: float, counters: Mapping[str, int]) -> None:
        """:meth:`record_job` into ``pipe`` (a first visit's commit carries its job's)."""
        bucket = next((b for b in JOB_BUCKETS if seconds <= b), float("inf"))
        queue_counts(pipe, self._keys.stats, counters)
        pipe.hincrby(self._keys.job_latency, f"le:{bucket}", 1)
        pipe.hincrbyfloat(self._keys.job_latency, "sum", seconds)

    async def job_latency(self) -> Latency:
        """The histogram; its count is the buckets' total (a ``count`` field that stores from
        before kept beside them is not read: it always equalled that total)."""
        raw = {
            k.decode(): v for k, v in (await self._redis.hgetall(self._keys.job_latency)).items()
        }
        bounds = (*JOB_BUCKETS, float("inf"))
        buckets = tuple((b, int(raw.get(f"le:{b}", 0))) for b in bounds)
        return Latency(buckets, float(raw.get("sum", 0)), sum(n for _, n in buckets))

    async def events_by_type(self) -> dict[str, int]:
        raw = await self._tally(keys=[self._keys.events, self._keys.event_tally], args=[SCAN_MAX])
        pairs = dict(zip(raw[::2], raw[1::2], strict=True))
        return {k.decode()[2:]: int(v) for k, v in pairs.items() if k.decode().startswith("t:")}

    async def queue_depth(self) -> int:
        return int(await self._redis.zcard(self._keys.queue))

    async def latest_events(self, story: str, count: int) -> list[dict[str, Any]]:
        """The story's newest ``count`` events, newest first."""
        found: list[dict[str, Any]] = []
        upper, scanned = "+", 0
        while len(found) < count and scanned < SCAN_MAX:
            entries = await self._redis.xrevrange(self._keys.events, upper, "-", SCAN_BATCH)
            for entry_id, event in _decoded(entries):
                if event.get("story") == story and len(found) < count:
                    found.append(event)
                upper = f"({entry_id}"
            scanned += len(entries)
            if len(entries) < SCAN_BATCH:
                break
        return found

    async def events_after(
        self, story: str, after: str, count: int
    ) -> tuple[list[dict[str, Any]], str]:
        """Up to ``count`` of the story's events after stream position ``after`` ("" or
        "0": from the start), oldest first, and the cursor to pass next time."""
        found: list[dict[str, Any]] = []
        cursor, scanned = after or "0-0", 0
        while len(found) < count and scanned < SCAN_MAX:
            entries = await self._redis.xrange(self._keys.events, f"({cursor}", "+", SCAN_BATCH)
            for entry_id, event in _decoded(entries):
                if len(found) == count:
                    return found, cursor
                cursor = entry_id
                if event.get("story") == story:
                    found.append(event)
            scanned += len(entries)
            if len(entries) < SCAN_BATCH:
                break
        return found, cursor


def queue_counts(pipe: Pipeline, key: str, counters: Mapping[str, int]) -> None:
    """Add ``counters`` (name → amount; zeros skipped) to the counter hash ``key``."""
    for name, amount in counters.items():
        if amount:
            pipe.hincrby(key, name, amount)


def _decoded(entries: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for entry_id, fields in entries:
        event = decode(fields) if fields else None
        if event is not None:
            out.append((_text(entry_id), event))
    return out


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
