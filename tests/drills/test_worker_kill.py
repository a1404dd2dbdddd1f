"""Drill: ``kill -9`` of a worker process, twice, in the middle of a crawl.

A ``newswatch scheduler`` and two ``newswatch worker`` processes crawl a local site on one
Redis. At the first delivered event one worker is killed (and a new one started), later the
other. A live worker notices the dead one's heartbeat is gone (10 s) and releases the jobs it
was running (:mod:`crawler.store.liveness`), the outbox hands its unacknowledged events to a
live consumer after 60 s, and the crawl finishes: every article stored once, every event
delivered once (jsonl is exactly-once across processes).

No lock is left behind by a killed worker: decisions are guarded by claims
(:mod:`crawler.store.claims`), which a dead process cannot hold.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from crawler.config import settings_from_mapping
from crawler.store import Store
from tests.drills.crawl import Crawl, article_events, check_once, delivered, toml, until

pytestmark = [pytest.mark.drill, pytest.mark.timeout(300)]


@pytest.fixture
async def crawl() -> AsyncIterator[Crawl]:
    async with Crawl(articles=40, feeds=4) as site:
        yield site


async def _start(config: Path, role: str, cwd: Path, n: int) -> asyncio.subprocess.Process:
    """``newswatch ROLE``; its log (warnings and errors) goes to ``cwd/ROLE-N.log``."""
    log = open(cwd / f"{role}-{n}.log", "w")  # noqa: ASYNC230, SIM115 - the child writes it
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "crawler.cli", "--config", str(config), "-q", role,
        cwd=cwd, stdout=asyncio.subprocess.DEVNULL, stderr=log,
    )  # fmt: skip


async def test_worker_kill_twice_mid_crawl_loses_and_repeats_nothing(
    crawl: Crawl, tmp_path: Path, redis_url: str, prefix: str, store: Store
) -> None:
    data = crawl.config(
        tmp_path, {"url": redis_url, "key_prefix": prefix}, worker={"job_timeout": "45s"}
    )
    settings_from_mapping(data)  # valid
    config = tmp_path / "newswatch.toml"
    config.write_text(toml(data))
    processes = [
        await _start(config, "scheduler", tmp_path, 0),
        await _start(config, "worker", tmp_path, 1),
        await _start(config, "worker", tmp_path, 2),
    ]
    try:
        await until(lambda: _at_least(tmp_path, 1))
        processes[1].send_signal(signal.SIGKILL)  # the first kill, mid-crawl
        assert len(article_events(delivered(tmp_path))) < len(crawl.urls)
        processes.append(await _start(config, "worker", tmp_path, 3))
        await until(lambda: _at_least(tmp_path, len(crawl.urls) // 2))
        processes[2].send_signal(signal.SIGKILL)  # the second
        await until(lambda: _at_least(tmp_path, len(crawl.urls)))
    finally:
        for process in processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        codes = [await asyncio.wait_for(p.wait(), 90) for p in processes]
    assert codes[1] == codes[2] == -signal.SIGKILL
    assert codes[0] == codes[3] == 0  # the survivors drained and exited cleanly
    await check_once(store, crawl, delivered(tmp_path))


async def _at_least(tmp_path: Path, count: int) -> bool:
    return len(article_events(delivered(tmp_path))) >= count
