"""``newswatch demo``: the real pipeline against the simulated sites, fully offline.

The demo keeps what it found in its own data dir (``--data-dir``, default
``.newswatch-demo``): the bundled store under ``store/``, the alerts in ``alerts.jsonl``, its
seed and a ``newswatch.toml`` that points at them, so ``timeline``, ``story``, ``history`` and
``serve`` can explore the result afterwards (the commands are printed at the end). A second
``newswatch demo`` only prints them again; ``--fresh`` deletes the data dir and replays. It
never touches the user's own store. The demo configuration opts in to fetching from
127.0.0.1 (``allow_private_addresses = true``), which a normal configuration refuses.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from crawler.config import DEFAULT_LISTEN, Settings, settings_from_mapping
from crawler.demo import stories
from crawler.demo.site import STEPS, DemoSite
from crawler.runtime import open_runtime
from crawler.runtime.roles import once

STORY = "kazakhstan-unrest"
DONE = "demo.done"  # written when every step ran: the store holds the whole story


def demo_config(site: DemoSite, data_dir: Path, seed: Path, **redis: str) -> dict[str, Any]:
    """The demo's configuration as a mapping (tests reuse it with their own store)."""
    return {
        "redis": {"url": "", **redis},
        "storage": {"data_dir": str(data_dir / "store")},
        "crawler": {
            "allow_private_addresses": True,
            "total_timeout": "20s",
            "per_host_delay": "0.05s",  # the simulated sites are local; real sites get 1s
        },
        "worker": {"retry_delay": "1s", "max_tries": 2},
        "story": [{"id": STORY, "seed": str(seed), "revisit": ["1h", "6h"]}],
        "feed": [{"url": url, "interval": "1m"} for url in site.feeds],
        "hook": [
            {"type": "console"},
            {"type": "jsonl", "path": str(data_dir / "alerts.jsonl")},
        ],
    }


async def run_demo(data_dir: Path, fresh: bool = False) -> int:
    found = _prepare(data_dir, fresh)
    if found is not None:
        print(f"The demo already ran; what it found is kept in {data_dir}.")
        print(found)
        print("`newswatch demo --fresh` forgets it and plays the story again.")
        return 0
    site = DemoSite()
    await site.start()
    try:
        config = demo_config(site, *_paths(data_dir))
        write_toml(config, data_dir / "newswatch.toml")
        await play(site, settings_from_mapping(config), announce=True)
    finally:
        await site.stop()
    explore = explore_commands(data_dir, site)
    (data_dir / DONE).write_text(explore, encoding="utf-8")
    print(explore)
    return 0


def _prepare(data_dir: Path, fresh: bool) -> str | None:
    """The last run's explore text when the demo already ran (and not ``fresh``)."""
    if fresh and data_dir.exists():
        shutil.rmtree(data_dir)
    done = data_dir / DONE
    if done.exists():
        return done.read_text(encoding="utf-8")
    data_dir.mkdir(parents=True, exist_ok=True)
    return None


def _paths(data_dir: Path) -> tuple[Path, Path]:
    """(absolute data dir, the seed written into it): the config works from anywhere."""
    absolute = data_dir.resolve()
    return absolute, write_seed(absolute)


async def play(site: DemoSite, settings: Settings, announce: bool = False) -> None:
    """Every step of the story, each followed by one ``run --once`` pass."""
    if announce:
        print("newswatch demo — following a story on the January 2022 Kazakhstan unrest on two")
        print("simulated news sites (offline, on 127.0.0.1):")
        print(f"  {site.wire.name}: {site.wire.base}    {site.digest.name}: {site.digest.base}\n")
    async with open_runtime(settings) as runtime:
        for number, description in enumerate(STEPS, start=1):
            site.advance(number)
            if announce:
                print(f"step {number}: {description}", flush=True)
            summary = await once(runtime)
            if announce:
                if not summary.delivered:
                    print("  (no new events — nothing worth telling you)")
                print(flush=True)


def explore_commands(data_dir: Path, site: DemoSite) -> str:
    run = f"newswatch --config {data_dir / 'newswatch.toml'}"
    return "\n".join(
        [
            f"Events were written to {data_dir / 'alerts.jsonl'}. Explore what the demo found:",
            f"  {run} timeline {STORY}      # the death toll over time, by source",
            f"  {run} story {STORY}         # copy clusters and skipped entries",
            f"  {run} history {site.report_url}",
            f"  {run} serve                 # then open http://{DEFAULT_LISTEN}/",
            "Run `newswatch run` to follow real feeds.",
        ]
    )


def write_seed(directory: Path) -> Path:
    """The demo's own seed story, written into ``directory`` (the demo ships no files)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "seed.txt"
    path.write_text(stories.SEED_TEXT, encoding="utf-8")
    return path


def write_toml(config: dict[str, Any], path: Path) -> None:
    """The demo's configuration as TOML (strings, numbers, booleans, lists and one level of
    tables or arrays of tables: all it needs; JSON string quoting is valid TOML)."""
    lines: list[str] = []
    for section, value in config.items():
        rows = value if isinstance(value, list) else [value]
        for row in rows:
            lines.append(f"[[{section}]]" if isinstance(value, list) else f"[{section}]")
            lines += [f"{k} = {json.dumps(v)}" for k, v in row.items()]
            lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
