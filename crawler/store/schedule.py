"""What is due when: feed polls, entries already seen, article revisits (all in Redis).

Far-future schedules live in our own sorted sets, never as deferred arq jobs (a deferred job
would keep a burst worker waiting, and a restart would lose nothing either way). Feeds are
claimed with a lease by an atomic script, so two schedulers never poll the same feed at once;
revisits are enqueued under deterministic job ids before they are removed, so a crash between
the two repeats nothing.

Seen entries are kept **per story** (:mod:`crawler.store.polls`); everything one poll changes
is written by :func:`crawler.store.polls.save_poll` in one MULTI/EXEC.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from crawler.store.generations import old
from crawler.store.keys import Keys
from crawler.store.polls import SeenEntry

# KEYS[1] feed hash, KEYS[2] due zset, KEYS[3] stats; ARGV: url, due, counter, field/value…
_SAVE_QUIET = """
if #ARGV > 3 then
  redis.call('HSET', KEYS[1], unpack(ARGV, 4))
end
redis.call('ZADD', KEYS[2], 'XX', ARGV[2], ARGV[1])
redis.call('HINCRBY', KEYS[3], ARGV[3], 1)
redis.call('HINCRBY', KEYS[1], 'n:' .. ARGV[3], 1)
return 1
"""

# KEYS[1] due zset; ARGV: max score, lease until, limit → feed urls due by then, now leased
_CLAIM = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, member in ipairs(due) do
  redis.call('ZADD', KEYS[1], 'XX', ARGV[2], member)
end
return due
"""


@dataclass(frozen=True, slots=True)
class FeedState:
    etag: str = ""
    last_modified: str = ""
    body_hash: str = ""
    failures: int = 0
    last_error: str = ""
    status: str = "ok"  # ok | failing | gone
    last_poll: str = ""  # last attempt, ISO time
    interval: float = 0.0  # current adaptive interval (seconds)
    ttl: float = 0.0  # the feed's own <ttl> in seconds, kept for polls that do not parse
    failing_since: str = ""  # when the current failure episode began (names its events)
    last_ok: str = ""  # last successful poll, ISO time
    title: str = ""  # the feed's own title, from its last parse (names the outlet)
    configured: float = 0.0  # the configured interval last applied (a change resets `interval`)

    @classmethod
    def from_redis(cls, raw: Mapping[bytes, bytes]) -> FeedState:
        data = {k.decode(): v.decode() for k, v in raw.items()}
        return cls(
            etag=data.get("etag", ""),
            last_modified=data.get("last_modified", ""),
            body_hash=data.get("body_hash", ""),
            failures=int(data.get("failures", "0")),
            last_error=data.get("last_error", ""),
            status=data.get("status", "ok"),
            last_poll=data.get("last_poll", ""),
            interval=float(data.get("interval", "0") or 0),
            ttl=float(data.get("ttl", "0") or 0),
            failing_since=data.get("failing_since", ""),
            last_ok=data.get("last_ok", ""),
            title=data.get("title", ""),
            configured=float(data.get("configured", "0") or 0),
        )

    def changed_fields(self, before: FeedState) -> dict[str, str]:
        old = before.fields()
        return {k: v for k, v in self.fields().items() if old.get(k) != v}

    def fields(self) -> dict[str, str]:
        return {
            "etag": self.etag,
            "last_modified": self.last_modified,
            "body_hash": self.body_hash,
            "failures": str(self.failures),
            "last_error": self.last_error,
            "status": self.status,
            "last_poll": self.last_poll,
            "interval": str(self.interval),
            "ttl": str(self.ttl),
            "failing_since": self.failing_since,
            "last_ok": self.last_ok,
            "title": self.title,
            "configured": str(self.configured),
        }

    @property
    def shown_status(self) -> str:
        """What ``status`` and the web view show: ``failing`` from the first failure in a row
        (``status`` itself, and the ``feed.failing`` event, wait for ``failing_after``)."""
        if self.status == "gone":
            return "gone"
        return "failing" if self.failures or self.status == "failing" else "ok"


@dataclass(frozen=True, slots=True)
class FeedCounts:
    """A feed's poll counters since it was registered (``n:{counter}`` fields of its hash)."""

    polled: int = 0
    failed: int = 0
    deferred: int = 0

    @classmethod
    def from_redis(cls, raw: Mapping[bytes, bytes]) -> FeedCounts:
        def number(name: str) -> int:
            return int(raw.get(f"n:feeds_{name}".encode(), b"0"))

        return cls(number("polled"), number("failed"), number("deferred"))


@dataclass(frozen=True, slots=True)
class Revisit:
    story: str
    url: str
    number: int

    def member(self) -> str:
        return json.dumps([self.story, self.url, self.number])

    @classmethod
    def parse(cls, member: bytes) -> Revisit:
        story, url, number = json.loads(member)
        return cls(story, url, int(number))


class Schedule:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys
        self._claim = redis.register_script(_CLAIM)
        self._save_quiet = redis.register_script(_SAVE_QUIET)

    async def register_feeds(self, urls: Iterable[str], now: float) -> None:
        """Add configured feeds (due now) and forget feeds no longer configured.

        A forgotten feed's state goes too, so a feed removed after ``410 Gone`` and added again
        later starts afresh.
        """
        wanted = set(urls)
        known = {m.decode() for m in await self._redis.zrange(self._keys.feeds_due, 0, -1)}
        async with self._redis.pipeline(transaction=True) as pipe:
            for url in wanted - known:
                pipe.zadd(self._keys.feeds_due, {url: now}, nx=True)
            for url in known - wanted:
                pipe.zrem(self._keys.feeds_due, url)
                pipe.delete(self._keys.feed(url))
            await pipe.execute()

    async def claim_due_feeds(self, now: float, lease: float, limit: int = 100) -> list[str]:
        due = await self._claim(keys=[self._keys.feeds_due], args=[now, now + lease, limit])
        return [d.decode() for d in due]

    async def claim_all_feeds(self, now: float, lease: float) -> list[str]:
        """Every registered feed, whatever its schedule (``run --once``)."""
        due = await self._claim(keys=[self._keys.feeds_due], args=["+inf", now + lease, 1_000_000])
        return [d.decode() for d in due]

    def queue_feed_state(
        self, pipe: Pipeline, url: str, state: FeedState, next_due: float | None
    ) -> None:
        pipe.hset(self._keys.feed(url), mapping=state.fields())
        due = float("inf") if next_due is None else next_due  # None: gone, never due again
        pipe.zadd(self._keys.feeds_due, {url: due}, xx=True)

    async def save_quiet(
        self, url: str, before: FeedState, state: FeedState, next_due: float, counter: str
    ) -> None:
        """A poll that changed only the feed's own state: one atomic script, one round trip."""
        args: list[str] = [url, repr(next_due), counter]
        for key, value in state.changed_fields(before).items():
            args += [key, value]
        await self._save_quiet(
            keys=[self._keys.feed(url), self._keys.feeds_due, self._keys.stats], args=args
        )

    def queue_feed_counts(self, pipe: Pipeline, url: str, counters: Mapping[str, int]) -> None:
        """The feed's own share of a poll's ``feeds_*`` counters (``n:feeds_polled`` …)."""
        for name, amount in counters.items():
            if amount and name.startswith("feeds_"):
                pipe.hincrby(self._keys.feed(url), f"n:{name}", amount)

    async def apply_intervals(self, intervals: Mapping[str, float], now: float) -> list[str]:
        """Apply configured intervals that changed since they were last applied: the feed's
        adaptive interval restarts from the new value and its next poll comes no later than
        ``now + interval``. Returns the feeds whose interval changed."""
        urls = list(intervals)
        async with self._redis.pipeline(transaction=False) as pipe:
            for url in urls:
                pipe.hmget(self._keys.feed(url), ["configured", "status"])
            stored = await pipe.execute()
        changed = []
        async with self._redis.pipeline(transaction=True) as pipe:
            for url, (configured, status) in zip(urls, stored, strict=True):
                interval = intervals[url]
                if configured is not None and float(configured) == interval:
                    continue
                fields = {"configured": str(interval)}
                if configured is not None and float(configured) and status != b"gone":
                    fields["interval"] = str(interval)
                    pipe.zadd(self._keys.feeds_due, {url: now + interval}, xx=True, lt=True)
                    changed.append(url)
                pipe.hset(self._keys.feed(url), mapping=fields)
            await pipe.execute()
        return changed

    async def feed_counts(self, urls: list[str]) -> dict[str, FeedCounts]:
        async with self._redis.pipeline(transaction=False) as pipe:
            for url in urls:
                pipe.hgetall(self._keys.feed(url))
            raw = await pipe.execute()
        return {url: FeedCounts.from_redis(r) for url, r in zip(urls, raw, strict=True)}

    async def next_polls(self, urls: list[str]) -> dict[str, float | None]:
        """When each feed is due next (None: not registered; ``inf``: never, it is gone)."""
        if not urls:
            return {}
        scores = await self._redis.zmscore(self._keys.feeds_due, urls)
        return dict(zip(urls, scores, strict=True))

    async def registered_feeds(self) -> list[str]:
        return [m.decode() for m in await self._redis.zrange(self._keys.feeds_due, 0, -1)]

    async def due_revisit_count(self, now: float) -> int:
        return int(await self._redis.zcount(self._keys.revisits, "-inf", now))

    def queue_counts(self, pipe: Pipeline, counters: Mapping[str, int]) -> None:
        for name, amount in counters.items():
            if amount:
                pipe.hincrby(self._keys.stats, name, amount)

    def queue_revisit(self, pipe: Pipeline, revisit: Revisit, due: float) -> None:
        pipe.zadd(self._keys.revisits, {revisit.member(): due})

    def queue_revisit_sooner(self, pipe: Pipeline, revisit: Revisit, due: float) -> None:
        """Bring a pending revisit forward to ``due`` (no-op when it is not pending or sooner)."""
        pipe.zadd(self._keys.revisits, {revisit.member(): due}, xx=True, lt=True)

    async def feed_state(self, url: str) -> FeedState:
        return FeedState.from_redis(await self._redis.hgetall(self._keys.feed(url)))

    async def feed_states(self, urls: list[str]) -> dict[str, FeedState]:
        async with self._redis.pipeline(transaction=False) as pipe:
            for url in urls:
                pipe.hgetall(self._keys.feed(url))
            raw = await pipe.execute()
        return {url: FeedState.from_redis(r) for url, r in zip(urls, raw, strict=True)}

    async def next_poll(self, url: str) -> float | None:
        return await self._redis.zscore(self._keys.feeds_due, url)

    async def seen_entries(self, fields: list[str]) -> list[SeenEntry | None]:
        """The :class:`SeenEntry` of each :func:`seen_field` (None: new to that story)."""
        if not fields:
            return []
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hmget(self._keys.entries, fields)
            pipe.hmget(old(self._keys.entries), fields)
            current, older = await pipe.execute()
        carried = {f: o for f, c, o in zip(fields, current, older, strict=True) if c is None and o}
        if carried:  # still in the feed: carried over to the current generation
            await self._redis.hset(self._keys.entries, mapping=carried)
        raw = [c if c is not None else o for c, o in zip(current, older, strict=True)]
        return [SeenEntry.parse(r) if r is not None else None for r in raw]

    async def article_versions(self, pairs: list[tuple[str, str]]) -> list[str]:
        """The current version of the article each (story, entry doc) leads to, through the
        worker's link alias ("" when not tracked): two pipelined reads for any number."""
        if not pairs:
            return []
        async with self._redis.pipeline(transaction=False) as pipe:
            for story, doc in pairs:
                pipe.hget(self._keys.alias(story), doc)
                pipe.hget(old(self._keys.alias(story)), doc)
            found = await pipe.execute()
        aliases = [a or b for a, b in zip(found[::2], found[1::2], strict=True)]
        async with self._redis.pipeline(transaction=False) as pipe:
            for (story, doc), alias in zip(pairs, aliases, strict=True):
                pipe.hget(self._keys.article(story, alias.decode() if alias else doc), "version")
            versions = await pipe.execute()
        return [v.decode() if v is not None else "" for v in versions]

    async def due_revisits(self, now: float, limit: int = 500) -> list[Revisit]:
        raw = await self._redis.zrangebyscore(self._keys.revisits, "-inf", now, start=0, num=limit)
        return [Revisit.parse(m) for m in raw]

    async def done_revisits(self, revisits: list[Revisit]) -> None:
        if revisits:
            await self._redis.zrem(self._keys.revisits, *(r.member() for r in revisits))

    async def revisit_pending(self, revisit: Revisit) -> bool:
        """True while ``revisit`` waits in the schedule (not yet released)."""
        return await self._redis.zscore(self._keys.revisits, revisit.member()) is not None

    async def pending_revisits(self) -> int:
        return int(await self._redis.zcard(self._keys.revisits))
