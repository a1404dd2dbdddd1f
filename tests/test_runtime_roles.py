"""A runtime per role: a worker builds no scheduler, a scheduler no pipeline; and the arq
command line's plain ``WorkerSettings`` class."""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from aiohttp import web
from arq import create_pool
from arq.connections import RedisSettings
from arq.worker import Worker, get_kwargs

from crawler.config import Settings
from crawler.errors import ConfigError
from crawler.models import ArticleJob
from crawler.runtime import RoleError, open_runtime
from crawler.store import Keys
from crawler.store.queue import JobQueue
from tests.conftest import SEED_FILE, LocalSite
from tests.test_politeness import article
from workers.worker import build_worker


def _hooked(make_settings: Callable[..., Settings], tmp_path: Path) -> Settings:
    return make_settings(hook=[{"type": "jsonl", "path": str(tmp_path / "alerts.jsonl")}])


async def test_a_worker_runtime_builds_no_scheduler(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    async with open_runtime(_hooked(make_settings, tmp_path), roles=("worker",)) as runtime:
        assert runtime.roles == ("worker",) and runtime.scheduler_parts is None
        assert runtime.pipeline is not None and runtime.dispatcher is not None
        with pytest.raises(RoleError, match="no scheduler role"):
            _ = runtime.scheduler
        with pytest.raises(RoleError):
            _ = runtime.discovery
        assert await runtime.store.index.members("story", "seed") == []  # indexed, no copies
        build_worker(runtime, burst=True)  # what a worker is for


async def test_a_scheduler_runtime_builds_no_pipeline(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = _hooked(make_settings, tmp_path)
    async with open_runtime(settings, roles=("scheduler",)) as runtime:
        assert runtime.roles == ("scheduler",) and runtime.worker_parts is None
        assert runtime.scheduler is not None and runtime.discovery is not None
        with pytest.raises(RoleError, match="no worker role"):
            _ = runtime.pipeline
        with pytest.raises(RoleError):
            _ = runtime.dispatcher
        with pytest.raises(RoleError):
            build_worker(runtime, burst=True)
        # the hook's outbox group exists before any worker ran: the feed events this
        # scheduler emits now are delivered when a worker starts
        groups = await runtime.store.redis.xinfo_groups(runtime.store.keys.events)
        assert [g["name"].decode() for g in groups] == [settings.hook_list()[0].name]
    async with open_runtime(settings) as both:
        assert both.roles == ("scheduler", "worker")
    with pytest.raises(ValueError, match="roles"):
        async with open_runtime(settings, roles=("poller",)):
            pass


@pytest.fixture
def arq_settings(
    redis_url: str, prefix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[bool], ModuleType]]:
    """Import ``workers.settings`` afresh with a config file (with or without a Redis URL)."""

    def load(with_redis: bool) -> ModuleType:
        redis = f'[redis]\nurl = "{redis_url}"\nkey_prefix = "{prefix}"\n' if with_redis else ""
        config = tmp_path / "newswatch.toml"
        config.write_text(
            f"{redis}[crawler]\nallow_private_addresses = true\n"
            f'[storage]\ndata_dir = "{tmp_path / "data"}"\n'
            f'[[story]]\nid = "story"\nseed = "{SEED_FILE}"\nrevisit = []\n'
        )
        monkeypatch.setenv("NEWSWATCH_CONFIG", str(config))
        monkeypatch.delenv("NEWSWATCH_REDIS_URL", raising=False)
        sys.modules.pop("workers.settings", None)
        return importlib.import_module("workers.settings")

    yield load
    sys.modules.pop("workers.settings", None)


def test_worker_settings_needs_an_external_redis(
    arq_settings: Callable[[bool], ModuleType],
) -> None:
    with pytest.raises(ConfigError, match="external Redis"):
        arq_settings(False)


async def test_arq_runs_a_job_with_the_plain_worker_settings_class(
    arq_settings: Callable[[bool], ModuleType], site: LocalSite, redis_url: str, prefix: str
) -> None:
    settings_cls = arq_settings(True).WorkerSettings
    assert isinstance(settings_cls, type) and settings_cls.__name__ == "WorkerSettings"
    assert settings_cls.queue_name == f"{prefix}queue" and settings_cls.keep_result == 0

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=article(1), content_type="text/html")

    url = site.route("/news/report-1", page)
    pool = await create_pool(RedisSettings.from_dsn(redis_url))
    try:
        assert await JobQueue(pool, Keys(prefix)).enqueue(ArticleJob("story", url))
    finally:
        await pool.aclose()
    worker = Worker(**{**get_kwargs(settings_cls), "burst": True, "handle_signals": False})
    try:
        await asyncio.wait_for(worker.async_run(), timeout=30)
        assert worker.jobs_complete == 1 and worker.jobs_failed == 0
        assert worker.ctx["runtime"].roles == ("worker",)  # built by on_startup
    finally:
        await worker.close()  # on_shutdown tears the runtime down
    assert "runtime_stack" not in worker.ctx
    assert site.hits["/news/report-1"] == 1
