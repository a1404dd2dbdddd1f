"""Real ``newswatch worker --burst`` processes for tests that need more than one process."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from arq import Worker

from crawler.runtime import Runtime
from workers.worker import build_worker


async def burst_workers(configs: list[str], cwd: Path | None = None) -> None:
    """Run one ``newswatch -q worker --burst`` per config file at once; each must exit 0."""
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "crawler.cli",
            "--config",
            config,
            "-q",
            "worker",
            "--burst",
            cwd=cwd,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for config in configs
    ]
    outputs = await asyncio.wait_for(asyncio.gather(*(w.communicate() for w in workers)), 120)
    for worker, (_, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err.decode()


async def run_cli(*args: str, cwd: Path, stdin: bytes | None = None) -> tuple[int, str, str]:
    """Run ``newswatch ARGS`` as a user would; returns (exit code, stdout, stderr)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "crawler.cli",
        *args,
        cwd=cwd,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(stdin), 120)
    return process.returncode or 0, out.decode(), err.decode()


async def run_burst(runtime: Runtime, poll_delay: float = 0.02, within: float = 30) -> Worker:
    """An in-process burst worker on ``runtime`` run until the queue is empty (then closed;
    at most ``within`` seconds)."""
    worker = build_worker(runtime, burst=True, poll_delay=poll_delay)
    try:
        await asyncio.wait_for(worker.async_run(), timeout=within)
    finally:
        await worker.close()
    return worker
