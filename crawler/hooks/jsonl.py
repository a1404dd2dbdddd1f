"""``jsonl`` hook: one JSON object per line, flushed and fsynced per event.

Exactly once per file: on start the hook reads the ids already in the file's tail, so an
event delivered just before a crash (written, not yet acknowledged) is not written again.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import IO, Any

from crawler.config import JsonlHook
from crawler.hooks.base import DeliveryError, Hook

TAIL_BYTES = 1_000_000


class JsonlFileHook(Hook):
    def __init__(self, config: JsonlHook) -> None:
        super().__init__(config)
        self.path = Path(config.path)
        self._file: IO[str] | None = None
        self._written: set[str] = set()

    async def start(self) -> None:
        self._written = await asyncio.to_thread(_ids_in_tail, self.path)
        try:
            self._file = await asyncio.to_thread(_open_append, self.path)
        except OSError as exc:
            raise DeliveryError(f"cannot open {self.path}: {exc}") from exc

    async def deliver(self, event: dict[str, Any]) -> None:
        if event["id"] in self._written:
            return
        if self._file is None:
            await self.start()
        assert self._file is not None
        line = json.dumps(event, ensure_ascii=False, sort_keys=False) + "\n"
        try:
            await asyncio.to_thread(_write, self._file, line)
        except OSError as exc:
            raise DeliveryError(f"cannot write {self.path}: {exc}") from exc
        self._written.add(event["id"])

    async def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _open_append(path: Path) -> IO[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return open(path, "a", encoding="utf-8")


def _write(handle: IO[str], line: str) -> None:
    handle.write(line)
    handle.flush()
    os.fsync(handle.fileno())


def _ids_in_tail(path: Path) -> set[str]:
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - TAIL_BYTES))
            tail = handle.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return set()
    ids = set()
    for line in tail.splitlines():
        try:
            ids.add(json.loads(line)["id"])
        except (ValueError, KeyError, TypeError):
            continue
    return ids
