"""Redis going away: the daemon keeps running and resumes when the store is back."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from crawler.config import settings_from_mapping
from crawler.demo.runner import demo_config, write_seed
from crawler.demo.site import DemoSite
from crawler.runtime.roles import run_roles
from crawler.store.embedded import free_port, server_args


class Valkey:
    """A valkey-server we can stop and start again on the same port and data dir."""

    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.data_dir = data_dir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            server_args(self.port, self.data_dir),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        for _ in range(500):
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    break
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(0.01)
        client.close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def valkey(tmp_path: Path) -> Iterator[Valkey]:
    server = Valkey(tmp_path)
    server.start()
    yield server
    server.stop()


class Noticed(logging.Handler):
    """Sets an event once every expected message has been logged."""

    def __init__(self, *expected: str) -> None:
        super().__init__(logging.INFO)
        self.pending = set(expected)
        self.done = asyncio.Event()
        self.loop = asyncio.get_running_loop()

    def emit(self, record: logging.LogRecord) -> None:
        self.pending = {p for p in self.pending if p not in record.getMessage()}
        if not self.pending:
            self.loop.call_soon_threadsafe(self.done.set)


async def test_daemon_survives_redis_restart(
    valkey: Valkey, demo_site: DemoSite, tmp_path: Path
) -> None:
    config = demo_config(demo_site, tmp_path, write_seed(tmp_path), url=valkey.url)
    config["feed"] = [{"url": u, "interval": "1s"} for u in demo_site.feeds]
    config["scheduler"] = {"tick": "0.1s"}
    config["hook"] = [{"type": "jsonl", "path": str(tmp_path / "alerts.jsonl")}]
    settings = settings_from_mapping(config)
    stop = asyncio.Event()
    demo_site.advance(1)
    daemon = asyncio.create_task(run_roles(settings, stop=stop))
    try:
        await _logged("related http")
        outage = _logged("scheduler tick failed", "worker stopped unexpectedly")
        valkey.stop()  # Redis goes away while the daemon runs ...
        await outage  # ... both roles notice it and keep going ...
        demo_site.advance(2)
        valkey.start()  # ... and it comes back, data kept by the AOF
        await _logged("duplicate http")
    finally:
        stop.set()
        await asyncio.wait_for(daemon, 60)
    events = [json.loads(line) for line in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    assert [e["type"] for e in events] == ["article.related", "article.duplicate"]
    assert events[1]["duplicate_of"] == demo_site.report_url


def _logged(*expected: str) -> asyncio.Task[None]:
    """A task that ends when every ``expected`` message has been logged under ``crawler``."""
    noticed = Noticed(*expected)
    logger = logging.getLogger("crawler")
    logger.addHandler(noticed)
    previous = logger.level
    logger.setLevel(logging.INFO)

    async def wait() -> None:
        try:
            async with asyncio.timeout(60):
                await noticed.done.wait()
        finally:
            logger.removeHandler(noticed)
            logger.setLevel(previous)

    return asyncio.create_task(wait())
