"""Shared fixtures: a real Redis-protocol server and real local HTTP servers.

* Redis: ``$NEWSWATCH_TEST_REDIS_URL`` when set (e.g. the machine's Redis 7), otherwise one
  bundled Valkey for the whole session. Every test gets its own key prefix and its keys are
  deleted afterwards, so tests never see each other's data.
* HTTP: :class:`LocalSite` runs an aiohttp server on 127.0.0.1 with handlers a test adds.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis as redis_sync

from crawler.config import Settings, settings_from_mapping
from crawler.demo.site import DemoSite
from crawler.store import Store
from crawler.store.embedded import EmbeddedValkey
from tests.localsite import LocalSite
from tests.newsroom import Newsroom

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED_FILE = (
    Path(__file__).resolve().parents[1] / "config" / "seeds" / "kazakhstan-order-restored.txt"
)


def shared_path(*parts: str) -> Path:
    """A path under ``../shared``; the test is skipped (with the reason) when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (the shared data sets live in ../shared)")
    return path


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get("NEWSWATCH_TEST_REDIS_URL")
    if external:
        yield external
        return
    server = EmbeddedValkey(tmp_path_factory.mktemp("valkey"))
    url = server.acquire()
    yield url
    server.release()


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    value = f"t{uuid.uuid4().hex[:10]}:"
    yield value
    client = redis_sync.Redis.from_url(redis_url)
    for pattern in (f"{value}*", f"arq:*{value}*"):
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)
    client.close()


@pytest.fixture
async def store(redis_url: str, prefix: str) -> AsyncIterator[Store]:
    connected = await Store.connect(redis_url, prefix)
    yield connected
    await connected.close()


@pytest.fixture
def make_settings(redis_url: str, prefix: str, tmp_path: Path) -> Callable[..., Settings]:
    """Settings on the test's Redis and prefix; keyword sections override the defaults."""

    def build(**sections: Any) -> Settings:
        data: dict[str, Any] = {
            "redis": {"url": redis_url, "key_prefix": prefix},
            "storage": {"data_dir": str(tmp_path / "data")},
            "crawler": {
                "allow_private_addresses": True,
                "total_timeout": "10s",
                "per_host_delay": "0s",  # one local site serves everything; tests that
            },  # check politeness set their own pacing
            "worker": {"retry_delay": "0.2s", "max_tries": 2},
            "story": [{"id": "story", "seed": str(SEED_FILE), "revisit": ["1h"]}],
        }
        for key, value in sections.items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
        return settings_from_mapping(data)

    return build


@pytest.fixture
async def demo_site() -> AsyncIterator[DemoSite]:
    """The demo's two simulated news sites on 127.0.0.1, at step 0 (nothing published)."""
    sites = DemoSite()
    await sites.start()
    yield sites
    await sites.stop()


@pytest.fixture
async def post() -> AsyncIterator[Newsroom]:
    """A small local news site ("Steppe Post") with a feed; see tests/newsroom.py."""
    room = Newsroom("Steppe Post")
    await room.start()
    yield room
    await room.close()


@pytest.fixture
async def site() -> AsyncIterator[LocalSite]:
    local = LocalSite()
    await local.start()
    yield local
    await local.close()
