"""``newswatch demo``: the real pipeline against the simulated sites, fully offline.

It uses its own temporary data dir (embedded Valkey) and never touches the user's store. The
demo configuration opts in to fetching from 127.0.0.1 (``allow_private_addresses = true``),
which a normal configuration refuses.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from crawler.config import Settings, settings_from_mapping
from crawler.demo import stories
from crawler.demo.site import STEPS, DemoSite
from crawler.roles import once
from crawler.runtime import open_runtime


def demo_config(site: DemoSite, data_dir: Path, seed: Path, **redis: str) -> dict[str, Any]:
    """The demo's configuration as a mapping (tests reuse it with their own store)."""
    return {
        "redis": {"url": "", **redis},
        "storage": {"data_dir": str(data_dir)},
        "crawler": {
            "allow_private_addresses": True,
            "total_timeout": "20s",
            "per_host_delay": "0.05s",  # the simulated sites are local; real sites get 1s
        },
        "worker": {"retry_delay": "1s", "max_tries": 2},
        "story": [{"id": "kazakhstan-unrest", "seed": str(seed), "revisit": ["1h", "6h"]}],
        "feed": [{"url": url, "interval": "1m"} for url in site.feeds],
        "hook": [
            {"type": "console"},
            {"type": "jsonl", "path": str(data_dir / "alerts.jsonl")},
        ],
    }


async def run_demo() -> int:
    site = DemoSite()
    await site.start()
    try:
        with tempfile.TemporaryDirectory(prefix="newswatch-demo-") as tmp:
            settings = settings_from_mapping(demo_config(site, Path(tmp), write_seed(Path(tmp))))
            await _play(site, settings)
    finally:
        await site.stop()
    return 0


async def _play(site: DemoSite, settings: Settings) -> None:
    print("newswatch demo — following a story on the January 2022 Kazakhstan unrest on two")
    print("simulated news sites (offline, on 127.0.0.1):")
    print(f"  {site.wire.name}: {site.wire.base}    {site.digest.name}: {site.digest.base}\n")
    async with open_runtime(settings) as runtime:
        for number, description in enumerate(STEPS, start=1):
            site.advance(number)
            print(f"step {number}: {description}")
            summary = await once(runtime)
            if not summary.delivered:
                print("  (no new events — nothing worth telling you)")
            print()
    print(
        f"events were also written to {settings.hook_list()[1].name.split(':', 1)[1]} "
        "(a temporary file, removed now). Run `newswatch run` to follow real feeds."
    )


def write_seed(directory: Path) -> Path:
    """The demo's own seed story, written into ``directory`` (the demo ships no files)."""
    path = directory / "seed.txt"
    path.write_text(stories.SEED_TEXT, encoding="utf-8")
    return path
