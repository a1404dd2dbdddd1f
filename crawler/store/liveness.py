"""Which worker processes are alive, and what they are running (so a killed one's jobs
resume within seconds instead of after arq's ``in-progress`` marks expire).

Every worker process beats every :data:`BEAT` seconds: ``{p}alive:{w}`` (expires after
:data:`DEAD_AFTER`), ``{p}running:{w}`` the set of the job ids it runs, ``{p}workers`` the set
of workers. Any live worker *reaps* the dead: for a worker whose ``alive`` key expired, the
``in-progress`` marks of the jobs it ran are deleted — arq then starts those jobs again on
its next poll (their effects are idempotent) — and its records go. A job is listed when it
starts (arq's ``on_job_start``) and at every beat.
"""

from __future__ import annotations

from collections.abc import Iterable

from arq.constants import in_progress_key_prefix
from redis.asyncio import Redis

from crawler.store.keys import Keys

BEAT = 2.0
DEAD_AFTER = 10.0


class Liveness:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._prefix = keys.prefix

    def _alive(self, worker: str) -> str:
        return f"{self._prefix}alive:{worker}"

    def _running(self, worker: str) -> str:
        return f"{self._prefix}running:{worker}"

    @property
    def _workers(self) -> str:
        return f"{self._prefix}workers"

    async def beat(self, worker: str, jobs: Iterable[str]) -> None:
        running = list(jobs)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.sadd(self._workers, worker)
            pipe.set(self._alive(worker), "1", px=int(DEAD_AFTER * 1000))
            pipe.delete(self._running(worker))
            if running:
                pipe.sadd(self._running(worker), *running)
            await pipe.execute()

    async def started(self, worker: str, job: str) -> None:
        """A job started (between two beats): listed at once."""
        await self._redis.sadd(self._running(worker), job)

    async def leave(self, worker: str) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.srem(self._workers, worker)
            pipe.delete(self._alive(worker), self._running(worker))
            await pipe.execute()

    async def reap(self) -> list[str]:
        """Release the jobs of every dead worker; returns their job ids."""
        released: list[str] = []
        for raw in await self._redis.smembers(self._workers):
            worker = raw.decode()
            if await self._redis.exists(self._alive(worker)):
                continue
            jobs = [j.decode() for j in await self._redis.smembers(self._running(worker))]
            async with self._redis.pipeline(transaction=True) as pipe:
                if jobs:
                    pipe.delete(*(in_progress_key_prefix + job for job in jobs))
                pipe.delete(self._running(worker))
                pipe.srem(self._workers, worker)
                await pipe.execute()
            released += jobs
        return released
