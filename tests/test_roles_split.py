"""`newswatch scheduler` and `newswatch worker` as separate processes on one embedded store."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

from crawler.demo.runner import write_seed
from crawler.demo.site import DemoSite

CLI = [sys.executable, "-m", "crawler.cli"]


async def _until_logged(stream: asyncio.StreamReader, text: str) -> list[str]:
    lines: list[str] = []
    async with asyncio.timeout(60):
        while not lines or text not in lines[-1]:
            lines.append((await stream.readline()).decode())
            assert lines[-1], "".join(lines)  # the process ended without logging it
    return lines


async def test_scheduler_and_worker_processes_share_the_store(
    tmp_path: Path, demo_site: DemoSite
) -> None:
    demo_site.advance(1)
    feeds = "".join(f'[[feed]]\nurl = "{u}"\ninterval = "1h"\n' for u in demo_site.feeds)
    config = tmp_path / "newswatch.toml"
    config.write_text(
        '[crawler]\nallow_private_addresses = true\nper_host_delay = "0s"\n'
        f'[[story]]\nid = "k"\nseed = "{write_seed(tmp_path)}"\nrevisit = ["1h"]\n{feeds}'
        '[[hook]]\ntype = "jsonl"\npath = "alerts.jsonl"\n'
    )
    scheduler = await asyncio.create_subprocess_exec(
        *CLI, "--config", str(config), "scheduler", cwd=tmp_path, stderr=asyncio.subprocess.PIPE
    )
    assert scheduler.stderr is not None
    try:
        await _until_logged(scheduler.stderr, "queued")  # the scheduler enqueued the report
        worker = await asyncio.create_subprocess_exec(
            *CLI,
            "--config",
            str(config),
            "worker",
            "--burst",
            cwd=tmp_path,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await asyncio.wait_for(worker.communicate(), 60)
        assert worker.returncode == 0, err.decode()
        assert "related http" in err.decode()
    finally:
        scheduler.send_signal(signal.SIGTERM)
        await asyncio.wait_for(scheduler.communicate(), 60)
    assert scheduler.returncode == 0
    events = [json.loads(line) for line in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    assert [e["type"] for e in events] == ["article.related"]
    assert events[0]["article"]["url"] == demo_site.report_url
    assert not (tmp_path / ".newswatch" / "server.json").exists()  # the last user stopped it
