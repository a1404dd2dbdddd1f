"""The demo's whole story in a test's store, served by the real web app on 127.0.0.1."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.config import Settings, settings_from_mapping
from crawler.demo.runner import demo_config, play, write_seed
from crawler.demo.site import DemoSite
from crawler.store import Store
from crawler.web import serving


@dataclass
class Stand:
    base: str
    settings: Settings
    store: Store
    site: DemoSite


def demo_settings(
    site: DemoSite, redis_url: str, prefix: str, tmp_path: Path, **sections: Any
) -> Settings:
    config = demo_config(site, tmp_path, write_seed(tmp_path), url=redis_url, key_prefix=prefix)
    config["hook"] = [{"type": "jsonl", "path": str(tmp_path / "alerts.jsonl")}]
    config.update(sections)
    return settings_from_mapping(config)


@contextlib.asynccontextmanager
async def demo_stand(
    site: DemoSite, redis_url: str, prefix: str, tmp_path: Path, **sections: Any
) -> AsyncIterator[Stand]:
    """Play every demo step into the test's Redis prefix, then serve the web app."""
    settings = demo_settings(site, redis_url, prefix, tmp_path, **sections)
    await play(site, settings)
    store = await Store.connect(redis_url, prefix)
    try:
        async with serving(settings, store, "127.0.0.1:0") as base:
            yield Stand(base, settings, store, site)
    finally:
        await store.close()
