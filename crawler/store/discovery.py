"""What relevance, discovery and the pre-filter keep per story: the grown profile, the
story's current news-search feeds, the feed entries the pre-filter skipped, and the latest
near misses.

* The grown profile (:mod:`crawler.core.profile`) is a hash stem → weight and a hash name →
  weight, added to (in the judging transaction) by every article judged related with
  forward-decayed weights, plus the landmark those weights count from and their total
  (``mass``) — one script call per article for all its weights (:mod:`crawler.store.sums`).
  Only ratios are read, so nothing is ever rewritten as time passes; when the term hash
  outgrows ``MAX_GROWN`` fields its weakest half is dropped (they weigh nothing next to the
  story's recent reporting). Every change writes a new random ``stamp`` into the profile
  hash; a process keeps the profile it read last with its stamp and reads the two big
  hashes again only when the stamp moved (one script call either way), so judging an
  article does not parse thousands of weights the store already sent it.
* Near misses: the latest articles judged unrelated whose score came closest (capped).
* Skipped entries are not forgotten: each one is kept (link, title, summary, feed, when) in
  a capped stream, so it can be listed (``newswatch story``) and re-checked against the
  grown profile; an entry that passes later is fetched then and removed from the stream.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from crawler.core.profile import Contribution, StoryProfile, strongest
from crawler.models import FeedEntry
from crawler.store.keys import Keys
from crawler.store.sums import queue_add

MAX_SKIPPED = 20_000  # per story; the oldest are dropped beyond this
MAX_GROWN = 4_000  # grown-profile terms (and names) kept per story
MAX_NEAR_MISSES = 500

# KEYS[1] profile hash, KEYS[2] grown terms, KEYS[3] grown names; ARGV[1] the stamp the caller
# holds → {landmark, mass, stamp}, then both hashes only when the stamp is another
_PROFILE = """
local head = redis.call('HMGET', KEYS[1], 'landmark', 'mass', 'stamp')
if head[3] and head[3] == ARGV[1] then return head end
return {head[1], head[2], head[3], redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[3])}
"""


@dataclass(frozen=True, slots=True)
class NearMiss:
    """An article judged unrelated although it scored close to the threshold."""

    url: str
    title: str
    score: float
    seed_score: float
    profile_score: float
    terms: tuple[str, ...]
    at: str


@dataclass(frozen=True, slots=True)
class SkippedEntry:
    id: str  # stream entry id
    link: str
    title: str
    summary: str
    feed: str
    at: str


class DiscoveryStore:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys
        self._read = redis.register_script(_PROFILE)
        self._held: dict[str, tuple[bytes, StoryProfile]] = {}  # story → (stamp, profile)

    def queue_grow(
        self, pipe: Pipeline, story: str, part: Contribution, landmark: float | None = None
    ) -> None:
        """Add a related article's contribution; ``landmark``: set it (the first one)."""
        k = self._keys
        if landmark is not None:
            pipe.hsetnx(k.profile(story), "landmark", repr(landmark))
        amounts = {
            k.profile(story): {"mass": part.mass} if part.terms else {},
            k.grown(story): part.terms,
            k.grown_names(story): part.names,
        }
        queue_add(pipe, amounts)  # one script call for every weight
        pipe.hset(k.profile(story), "stamp", uuid.uuid4().hex)

    async def grown(self, story: str) -> dict[str, float]:
        raw = await self._redis.hgetall(self._keys.grown(story))
        return {k.decode(): float(v) for k, v in raw.items()}

    async def profile(self, story: str) -> tuple[StoryProfile, float | None]:
        """The grown profile and its landmark (None: nothing has been added yet)."""
        k = self._keys
        held = self._held.get(story)
        reply = await self._read(
            keys=[k.profile(story), k.grown(story), k.grown_names(story)],
            args=[held[0] if held else ""],
        )
        landmark, mass, stamp = reply[:3]
        found = float(landmark) if landmark else None
        if held is not None and len(reply) == 3:
            return held[1], found
        grown, named = _weights(reply[3]), _weights(reply[4])
        if len(grown) > MAX_GROWN or len(named) > MAX_GROWN:
            await self._prune(story, grown, named)
        profile = strongest(grown, named, float(mass or 0.0))
        if stamp:
            self._held[story] = (stamp, profile)
        return profile, found

    async def _prune(self, story: str, terms: dict[str, float], names: dict[str, float]) -> None:
        """Drop the weakest half of an outgrown term (or name) hash."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for key, weights in (
                (self._keys.grown(story), terms),
                (self._keys.grown_names(story), names),
            ):
                weakest = sorted(weights, key=lambda t: weights[t])[: len(weights) - MAX_GROWN // 2]
                if len(weights) > MAX_GROWN and weakest:
                    pipe.hdel(key, *weakest)
            pipe.hset(self._keys.profile(story), "stamp", uuid.uuid4().hex)
            await pipe.execute()

    def queue_near_miss(self, pipe: Pipeline, story: str, miss: NearMiss) -> None:
        fields = {
            "url": miss.url,
            "title": miss.title,
            "score": repr(miss.score),
            "seed": repr(miss.seed_score),
            "profile": repr(miss.profile_score),
            "terms": " ".join(miss.terms),
            "at": miss.at,
        }
        pipe.xadd(self._keys.near_misses(story), fields, maxlen=MAX_NEAR_MISSES, approximate=True)

    async def near_misses(self, story: str, count: int) -> list[NearMiss]:
        """The latest near misses, newest first."""
        raw = await self._redis.xrevrange(self._keys.near_misses(story), count=count)
        found = []
        for _, fields in raw:
            data = {k.decode(): v.decode() for k, v in fields.items()}
            found.append(
                NearMiss(
                    data.get("url", ""),
                    data.get("title", ""),
                    float(data.get("score", 0)),
                    float(data.get("seed", 0)),
                    float(data.get("profile", 0)),
                    tuple(data.get("terms", "").split()),
                    data.get("at", ""),
                )
            )
        return found

    async def feeds(self, story: str) -> set[str]:
        return {u.decode() for u in await self._redis.smembers(self._keys.discovery(story))}

    async def set_feeds(self, story: str, urls: list[str]) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._keys.discovery(story))
            if urls:
                pipe.sadd(self._keys.discovery(story), *urls)
            await pipe.execute()

    def queue_skip(self, pipe: Pipeline, story: str, entry: FeedEntry) -> None:
        fields = {
            "link": entry.link,
            "title": entry.title,
            "summary": entry.summary[:2000],
            "feed": entry.feed_url,
            "at": datetime.now(UTC).isoformat(),
        }
        pipe.xadd(self._keys.skipped(story), fields, maxlen=MAX_SKIPPED, approximate=True)

    async def skipped(self, story: str, count: int | None = None) -> list[SkippedEntry]:
        """Skipped entries, newest first (all of them when ``count`` is None)."""
        raw = await self._redis.xrevrange(self._keys.skipped(story), count=count)
        return [_skipped(entry_id, fields) for entry_id, fields in raw]

    async def skipped_count(self, story: str) -> int:
        return int(await self._redis.xlen(self._keys.skipped(story)))

    async def forget_skipped(self, story: str, ids: list[str]) -> None:
        if ids:
            await self._redis.xdel(self._keys.skipped(story), *ids)


def _skipped(entry_id: bytes, fields: dict[bytes, bytes]) -> SkippedEntry:
    data = {k.decode(): v.decode() for k, v in fields.items()}
    return SkippedEntry(
        id=entry_id.decode(),
        link=data.get("link", ""),
        title=data.get("title", ""),
        summary=data.get("summary", ""),
        feed=data.get("feed", ""),
        at=data.get("at", ""),
    )


def _weights(flat: list[bytes]) -> dict[str, float]:
    """A hash's fields and weights, from HGETALL's flat reply inside a script."""
    return {flat[i].decode(): float(flat[i + 1]) for i in range(0, len(flat), 2)}
