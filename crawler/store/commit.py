"""How a :class:`~crawler.store.writes.WriteSet` becomes Redis commands, and the optimistic
commit loop of :mod:`crawler.store.claims` (the only place the article stage's writes meet
Redis)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from redis import exceptions as redis_errors
from redis.asyncio.client import Pipeline

from crawler.errors import StoreError
from crawler.store import claims as claiming
from crawler.store import writes as w
from crawler.store.claims import shards
from crawler.store.readouts import job_counter
from crawler.store.reads import Read, watched

if TYPE_CHECKING:
    from crawler.store import Store

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


class Guard:
    """A decision's watches. ``await guard(claims)`` watches more claims it learned while
    reading (what it reads after that call is guarded too); ``await guard.read(read,
    claims)`` watches them and reads in the same round trip. The decision's own claims are
    watched before its first read: with the first :meth:`read` or call, or at once when
    the decision was not declared to start with one (:func:`decide`'s ``reads_first``)."""

    def __init__(self, store: Store, story: str, pipe: Pipeline, pending: list[str]) -> None:
        self._store, self._story, self._pipe = store, story, pipe
        self._pending = pending

    @property
    def pending(self) -> bool:
        """Whether the decision's own claims are still to be watched."""
        return bool(self._pending)

    async def __call__(self, more: Iterable[str]) -> None:
        keys = self._keys(more)
        if keys:
            await self._pipe.watch(*keys)

    async def read(self, read: Read[R], more: Iterable[str] = ()) -> R:
        return await watched(self._pipe, self._keys(more), read)

    def _keys(self, more: Iterable[str]) -> list[str]:
        found = self._pending + [self._store.keys.claim(self._story, s) for s in shards(more)]
        self._pending = []
        return found


# a decision reads, decides and returns its writes and result (see Guard)
Decision = Callable[[Guard], Awaitable[tuple[w.WriteSet, T]]]


def queue_writes(store: Store, pipe: Pipeline, writes: w.WriteSet) -> None:
    """Every write of ``writes``, in order, then its counters, into ``pipe``."""
    for write in writes.writes:
        _APPLY[type(write)](store, pipe, write)
    store.schedule.queue_counts(pipe, writes.counts)


async def commit(store: Store, writes: w.WriteSet) -> None:
    """One MULTI/EXEC with every write (nothing when the set is empty)."""
    if not writes:
        return
    try:
        async with store.transaction() as pipe:
            queue_writes(store, pipe, writes)
            await pipe.execute()
    except redis_errors.RedisError as exc:
        raise StoreError(f"committing {len(writes.writes)} writes: {exc}") from exc


async def decide(
    store: Store,
    story: str,
    claims: Iterable[str],
    decision: Decision[T],
    reads_first: bool = False,
) -> T:
    """Run ``decision`` (read, decide, return its writes and result) and commit its writes
    unless one of ``claims`` moved meanwhile; then decide again from fresh reads.
    ``reads_first``: the decision's first store access is a :meth:`Guard.read`, which then
    carries the watch of ``claims`` (one round trip fewer)."""
    keys = [store.keys.claim(story, shard) for shard in shards(claims)]
    try:
        for attempt in range(1, claiming.MAX_ATTEMPTS + 1):
            async with store.redis.pipeline(transaction=True) as pipe:
                guard = Guard(store, story, pipe, list(keys) if reads_first else [])
                if not reads_first:
                    await pipe.watch(*keys)
                writes, result = await decision(guard)
                if guard.pending:  # it never read through the guard: decide again under it
                    await guard(())
                    writes, result = await decision(guard)
                if not writes:
                    return result
                pipe.multi()  # type: ignore[no-untyped-call]
                queue_writes(store, pipe, writes)
                moved = [store.keys.claim(story, s) for s in shards(writes.changed())]
                if moved:
                    pipe.eval(claiming.BUMP, len(moved), *moved, claiming.TTL_MS)
                try:
                    await pipe.execute()
                except redis_errors.WatchError:
                    log.debug("%s: a racing job moved a claim; deciding again (%d)", story, attempt)
                    continue
                return result
    except redis_errors.RedisError as exc:
        raise StoreError(f"{story}: committing a decision: {exc}") from exc
    raise StoreError(f"{story}: {claiming.MAX_ATTEMPTS} racing jobs won in a row; retry later")


def _alias(store: Store, pipe: Pipeline, write: w.Alias) -> None:
    store.articles.queue_alias(pipe, write.story, write.link, write.doc)


def _track(store: Store, pipe: Pipeline, write: w.Track) -> None:
    store.articles.queue_track(pipe, write.article, write.version)


def _verdict(store: Store, pipe: Pipeline, write: w.Verdict) -> None:
    store.articles.queue_verdict(pipe, write.story, write.doc, write.verdict, write.content)


def _cluster(store: Store, pipe: Pipeline, write: w.Cluster) -> None:
    store.articles.queue_cluster(pipe, write.story, write.doc, write.cluster, write.verdict)


def _index(store: Store, pipe: Pipeline, write: w.IndexAdd) -> None:
    store.index.queue_add(pipe, write.story, write.doc, write.fingerprint)


def _member(store: Store, pipe: Pipeline, write: w.Member) -> None:
    if write.add:
        store.index.queue_member(pipe, write.story, write.rep, write.doc)
    else:
        store.index.queue_forget_member(pipe, write.story, write.rep, write.doc)


def _disband(store: Store, pipe: Pipeline, write: w.Disband) -> None:
    store.index.queue_forget_members(pipe, write.story, write.rep)


def _grow(store: Store, pipe: Pipeline, write: w.Grow) -> None:
    store.discovery.queue_grow(pipe, write.story, write.part, write.landmark)


def _near_miss(store: Store, pipe: Pipeline, write: w.NearMissAt) -> None:
    store.discovery.queue_near_miss(pipe, write.story, write.miss)


def _revisit(store: Store, pipe: Pipeline, write: w.RevisitAt) -> None:
    if write.sooner:
        store.schedule.queue_revisit_sooner(pipe, write.revisit, write.due)
    else:
        store.schedule.queue_revisit(pipe, write.revisit, write.due)


def _version(store: Store, pipe: Pipeline, write: w.NewVersion) -> None:
    store.articles.queue_version(pipe, write.story, write.doc, write.version)


def _point_back(store: Store, pipe: Pipeline, write: w.PointBack) -> None:
    store.articles.queue_current(
        pipe, write.story, write.doc, write.number, write.content_hash, write.title
    )


def _stamps(store: Store, pipe: Pipeline, write: w.Stamps) -> None:
    store.articles.queue_publisher_stamps(
        pipe, write.story, write.doc, write.modified, write.last_modified
    )


def _reading(store: Store, pipe: Pipeline, write: w.Reading) -> None:
    store.timeline.queue_entry(pipe, write.story, write.report)


def _standing(store: Store, pipe: Pipeline, write: w.StandingIs) -> None:
    store.timeline.queue_standing(pipe, write.story, write.standing)


def _pending(store: Store, pipe: Pipeline, write: w.PendingRevisit) -> None:
    store.articles.queue_pending_revisit(pipe, write.story, write.doc, write.number)


def _retry_later(store: Store, pipe: Pipeline, write: w.RetryLaterAt) -> None:
    store.articles.queue_retry_later(pipe, write.story, write.retry, write.due, write.cap)


def _archive(store: Store, pipe: Pipeline, write: w.Archive) -> None:
    store.archive.queue_archive(pipe, write.article, list(write.versions), write.now)


def _forget(store: Store, pipe: Pipeline, write: w.IndexForget) -> None:
    store.index.queue_forget(pipe, write.story, write.doc, write.fingerprint)


def _drop(store: Store, pipe: Pipeline, write: w.DropArchive) -> None:
    store.archive.queue_drop(pipe, write.story, write.doc)


def _emit(store: Store, pipe: Pipeline, write: w.Emit) -> None:
    store.outbox.queue_add(pipe, list(write.events))


def _job_done(store: Store, pipe: Pipeline, write: w.JobDone) -> None:
    store.readouts.queue_job(pipe, write.seconds, job_counter(write.outcome))


_APPLY: dict[type, Callable[[Store, Pipeline, Any], None]] = {
    w.Alias: _alias,
    w.Track: _track,
    w.Verdict: _verdict,
    w.Cluster: _cluster,
    w.IndexAdd: _index,
    w.Member: _member,
    w.Disband: _disband,
    w.Grow: _grow,
    w.NearMissAt: _near_miss,
    w.RevisitAt: _revisit,
    w.NewVersion: _version,
    w.PointBack: _point_back,
    w.Stamps: _stamps,
    w.Reading: _reading,
    w.StandingIs: _standing,
    w.PendingRevisit: _pending,
    w.RetryLaterAt: _retry_later,
    w.Archive: _archive,
    w.IndexForget: _forget,
    w.DropArchive: _drop,
    w.Emit: _emit,
    w.JobDone: _job_done,
}
