"""Shared fixtures: a real Redis-protocol server and real local HTTP servers.

* Redis: ``$NEWSWATCH_TEST_REDIS_URL`` when set (e.g. the machine's Redis 7), otherwise one
  bundled Valkey for the whole session. Every test gets its own key prefix and its keys are
  deleted afterwards, so tests never see each other's data.
* HTTP: :class:`LocalSite` runs an aiohttp server on 127.0.0.1 with handlers a test adds.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis as redis_sync
from aiohttp import web

from crawler.config import Settings, settings_from_mapping
from crawler.demo.site import DemoSite
from crawler.store import Store
from crawler.store.embedded import EmbeddedValkey

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


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class LocalSite:
    """A real aiohttp server on 127.0.0.1; ``site.route(path, handler)`` before or after start."""

    def __init__(self) -> None:
        self.app = web.Application()
        self.handlers: dict[str, Handler] = {}
        self.hits: dict[str, int] = {}
        self.requests: list[web.Request] = []
        self.app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner: web.AppRunner | None = None
        self.port = 0

    def route(self, path: str, handler: Handler) -> str:
        self.handlers[path] = handler
        return self.url(path)

    def text(self, path: str, body: str, content_type: str = "text/html", **headers: str) -> str:
        async def handler(request: web.Request) -> web.Response:
            return web.Response(text=body, content_type=content_type, headers=headers)

        return self.route(path, handler)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.hits[path] = self.hits.get(path, 0) + 1
        self.requests.append(request)
        handler = self.handlers.get(path)
        if handler is None:
            raise web.HTTPNotFound()
        return await handler(request)

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def demo_site() -> AsyncIterator[DemoSite]:
    """The demo's two simulated news sites on 127.0.0.1, at step 0 (nothing published)."""
    sites = DemoSite()
    await sites.start()
    yield sites
    await sites.stop()


@pytest.fixture
async def site() -> AsyncIterator[LocalSite]:
    local = LocalSite()
    await local.start()
    yield local
    await local.close()
