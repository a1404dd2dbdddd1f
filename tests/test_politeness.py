"""Per-host politeness shared through Redis, with two real ``newswatch worker --burst`` processes.

Three local sites (three hosts) record, for every request, when it started and ended and how
many requests to that host were in flight. Each page answers slowly (0.4 s), so without the
limit many requests to one host would overlap.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from arq import create_pool
from arq.connections import RedisSettings

from crawler.errors import HostBusyError, RobotsDisallowedError
from crawler.fetch import MemoryHostState, host_of
from crawler.fetch.politeness import HostGate
from crawler.fetch.robots import RobotsRules
from crawler.models import ArticleJob
from crawler.runtime import open_runtime
from crawler.store import Store
from tests.conftest import SEED_FILE, LocalSite
from tests.processes import burst_workers, run_burst

LIMIT, DELAY, SLOW = 2, 0.15, 0.4
PAGES = 8


@dataclass
class Recorder:
    """One host's request log: (start, end, user agent) and the peak of requests in flight."""

    calls: list[tuple[float, float, str]] = field(default_factory=list)
    in_flight: int = 0
    peak: int = 0


ACTIVE: dict[str, int] = {}  # host → in flight, to see different hosts overlap


def article(n: int) -> str:
    return (
        f"<html><head><title>Report {n}</title></head><body><article><h1>Report {n}</h1>"
        f"<p>Troops restored order in Almaty on day {n}, the ministry said in a statement.</p>"
        "<p>Officials said the situation was calm and transport had resumed.</p>"
        "</article></body></html>"
    )


def slow_pages(site: LocalSite, name: str, recorder: Recorder, peaks: list[int]) -> None:
    async def handler(request: web.Request) -> web.Response:
        start = time.monotonic()
        recorder.in_flight += 1
        recorder.peak = max(recorder.peak, recorder.in_flight)
        ACTIVE[name] = ACTIVE.get(name, 0) + 1
        peaks.append(sum(1 for v in ACTIVE.values() if v))
        try:
            await asyncio.sleep(SLOW)  # the server is slow: that is what it simulates
            if request.path == "/robots.txt":
                return web.Response(text="User-agent: *\nAllow: /\n", content_type="text/plain")
            return web.Response(
                text=article(int(request.path.rsplit("-", 1)[1])), content_type="text/html"
            )
        finally:
            recorder.in_flight -= 1
            ACTIVE[name] -= 1
            recorder.calls.append((start, time.monotonic(), request.headers["User-Agent"]))

    for n in range(PAGES):
        site.route(f"/news/report-{n}", handler)
    site.route("/robots.txt", handler)


@pytest.fixture
async def sites() -> AsyncIterator[list[LocalSite]]:
    started = [LocalSite() for _ in range(3)]
    for site in started:
        await site.start()
    yield started
    for site in started:
        await site.close()


def _config(tmp_path: Path, redis_url: str, prefix: str, agent: str) -> Path:
    path = tmp_path / f"{agent}.toml"
    path.write_text(
        f'[redis]\nurl = "{redis_url}"\nkey_prefix = "{prefix}"\n'
        f'[crawler]\nallow_private_addresses = true\nuser_agent = "{agent}"\n'
        f'per_host_concurrency = {LIMIT}\nper_host_delay = "{DELAY}s"\n'
        "[worker]\nmax_jobs = 6\nmax_tries = 1\n"
        f'[[story]]\nid = "story"\nseed = "{SEED_FILE}"\nrevisit = []\n'
    )
    return path


async def test_per_host_limits_hold_across_two_worker_processes(
    sites: list[LocalSite], redis_url: str, prefix: str, tmp_path: Path
) -> None:
    recorders = [Recorder() for _ in sites]
    peaks: list[int] = []
    for i, (site, recorder) in enumerate(zip(sites, recorders, strict=True)):
        slow_pages(site, f"h{i}", recorder, peaks)
    queue = await create_pool(RedisSettings.from_dsn(redis_url))
    try:  # jobs in the positional form earlier versions queued: still taken
        for n in range(PAGES):
            for site in sites:
                await queue.enqueue_job(
                    "process_article",
                    "story",
                    site.url(f"/news/report-{n}"),
                    -1,
                    "new",
                    _queue_name=f"{prefix}queue",
                )
    finally:
        await queue.aclose()
    agents = ("nw-worker-a", "nw-worker-b")
    await burst_workers([str(_config(tmp_path, redis_url, prefix, a)) for a in agents])

    agents = set()
    for site, recorder in zip(sites, recorders, strict=True):
        assert site.hits["/robots.txt"] == 1  # fetched once for both processes
        assert all(site.hits[f"/news/report-{n}"] == 1 for n in range(PAGES))
        assert recorder.peak <= LIMIT  # never more than K in flight to one host
        starts = sorted(start for start, _, _ in recorder.calls)
        gaps = [b - a for a, b in itertools.pairwise(starts)]
        # starts are reserved D apart on the Redis clock; a request that is late to leave its
        # process narrows the gap after it, never the span of the whole series
        assert min(gaps) >= DELAY / 2, gaps
        assert starts[-1] - starts[0] >= (len(starts) - 1) * DELAY - 0.05, gaps
        agents |= {agent for _, _, agent in recorder.calls}
    assert max(r.peak for r in recorders) == LIMIT  # the limit was reached (and held)
    assert agents == {"nw-worker-a", "nw-worker-b"}  # both processes fetched
    assert max(peaks) == len(sites)  # the three hosts were served concurrently


async def test_gate_waits_are_bounded_and_paused_hosts_say_when() -> None:
    gate = HostGate(MemoryHostState(), limit=1, delay=0.0, lease=10.0, max_wait=1.0)
    await gate.pause("http://slow.example/", 5.0)  # e.g. Retry-After: 5 on a 503
    with pytest.raises(HostBusyError) as busy:
        async with gate.slot("http://slow.example/a"):
            pass
    assert busy.value.retryable and 4 < (busy.value.retry_after or 0) <= 5
    async with gate.slot("http://other.example/a"):  # another host is not affected
        pass


@pytest.mark.parametrize("shared", [False, True])
async def test_refused_requests_do_not_extend_a_retry_after_pause(
    store: Store, shared: bool
) -> None:
    """300 s of Retry-After, then 100 bounced requests (D = 1 s): still 300 s, not 400."""
    state = store.hosts if shared else MemoryHostState()
    gate = HostGate(state, limit=2, delay=1.0, lease=10.0, max_wait=60.0)
    await gate.pause("https://paused.example/", 300.0)
    waits = []
    for _ in range(100):
        with pytest.raises(HostBusyError) as busy:
            async with gate.slot("https://paused.example/news/a"):
                pass
        waits.append(busy.value.retry_after or 0.0)
    assert min(waits) > 295 and max(waits) <= 300.5, (min(waits), max(waits))


async def test_one_host_key_whatever_the_spelling_of_its_port() -> None:
    assert host_of("https://A.example:443/x") == host_of("https://a.example/y") == "a.example"
    assert host_of("http://a.example:80/") == "a.example"
    assert host_of("http://a.example:8080/") == "a.example:8080"
    assert host_of("http://[::1]:8080/x") == "[::1]:8080"
    downloads: list[str] = []

    async def download(url: str) -> bytes:
        downloads.append(url)
        return b"User-agent: *\nDisallow: /private/\n"

    rules = RobotsRules(MemoryHostState(), download, "newswatch", ttl=3600.0)
    await rules.check("http://a.example:80/news")
    await rules.check("http://a.example/news")
    with pytest.raises(RobotsDisallowedError):
        await rules.check("http://A.EXAMPLE:80/private/x")
    assert downloads == ["http://a.example/robots.txt"]  # one origin, fetched once


async def test_redis_gate_refuses_a_third_slot_and_frees_on_release(store: Store) -> None:
    hosts = store.hosts
    assert await hosts.reserve("h.example", "a", 2, 0.0, 10.0, 60.0) == 0.0
    assert await hosts.reserve("h.example", "b", 2, 0.0, 10.0, 60.0) == 0.0
    assert await hosts.reserve("h.example", "c", 2, 0.0, 10.0, 60.0) is None
    await hosts.release("h.example", "a")
    assert await hosts.reserve("h.example", "c", 2, 0.0, 10.0, 60.0) == 0.0
    wait = await hosts.reserve("spaced.example", "x", 5, 30.0, 10.0, 60.0)
    second = await hosts.reserve("spaced.example", "y", 5, 30.0, 10.0, 60.0)
    assert wait == 0.0 and second is not None and 29.9 < second <= 30.0
    assert await hosts.reserve("lease.example", "z", 1, 0.0, 0.05, 60.0) == 0.0
    deadline = time.monotonic() + 5
    while await hosts.reserve("lease.example", "w", 1, 0.0, 10.0, 60.0) is None:
        assert time.monotonic() < deadline, "an expired lease must free its slot"
        await asyncio.sleep(0.02)


async def test_a_released_slot_rides_on_the_next_reservation_or_goes_alone(
    store: Store, redis_url: str, prefix: str
) -> None:
    """A release costs no round trip of its own: the host's next reservation from the same
    process carries it; else the flush (on a timer, or when the store closes) sends it. Until
    then another process finds the slot taken — never longer than the linger."""
    other = await Store.connect(redis_url, prefix)
    try:
        assert await store.hosts.reserve("r.example", "a", 1, 0.0, 60.0, 60.0) == 0.0
        await store.hosts.release("r.example", "a")
        assert await store.hosts.reserve("r.example", "b", 1, 0.0, 60.0, 60.0) == 0.0  # rides
        await store.hosts.release("r.example", "b")
        await store.hosts.flush()
        assert await other.hosts.reserve("r.example", "c", 1, 0.0, 60.0, 60.0) == 0.0
        await other.hosts.release("r.example", "c")
        flusher = other.hosts._flusher
        assert flusher is not None
        await flusher  # the linger's own flush
        assert await store.hosts.reserve("r.example", "d", 1, 0.0, 60.0, 60.0) == 0.0
        await store.hosts.release("r.example", "d")
    finally:
        await other.close()
    await store.close()  # sends the release left
    again = await Store.connect(redis_url, prefix)
    try:
        assert await again.hosts.reserve("r.example", "e", 1, 0.0, 60.0, 60.0) == 0.0
    finally:
        await again.close()


async def test_retryable_fetch_errors_go_back_to_arq_with_retry_after(
    site: LocalSite, make_settings: Any
) -> None:
    """A 503 with Retry-After: the job is retried by arq after at least that long, and works."""
    times: list[float] = []

    async def flaky(request: web.Request) -> web.Response:
        times.append(time.monotonic())
        if len(times) == 1:
            return web.Response(status=503, headers={"Retry-After": "1"})
        return web.Response(text=article(1), content_type="text/html")

    url = site.route("/news/report-1", flaky)
    settings = make_settings(worker={"max_tries": 3, "retry_delay": "0.1s"})
    async with open_runtime(settings) as runtime:
        assert await runtime.queue.enqueue(ArticleJob("story", url))
        worker = await run_burst(runtime)
        stats = await runtime.store.stats()
    assert len(times) == 2 and times[1] - times[0] >= 0.95
    assert worker.jobs_retried == 1 and worker.jobs_complete == 1
    assert stats.get("jobs_fetch_failed", 0) == 0
