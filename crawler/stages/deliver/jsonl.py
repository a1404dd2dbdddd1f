"""``jsonl`` hook: one JSON object per line, flushed and fsynced per event.

Exactly once per file, also with several processes delivering to the same file: every write
happens under an exclusive ``flock`` on the file, after reading whatever other writers
appended since this hook last looked (on start: the file's last ``TAIL_BYTES``). An event
whose id is already in the file — written just before a crash, or by another process that
took over a pending event — is not written again. The remembered ids are bounded
(``REMEMBER`` most recent): repeats only ever concern recent events.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
from collections import OrderedDict
from pathlib import Path
from typing import IO, Any

from crawler.config import JsonlHook
from crawler.stages.deliver.base import DeliveryError, Hook

TAIL_BYTES = 1_000_000
REMEMBER = 100_000


class JsonlFileHook(Hook):
    def __init__(self, config: JsonlHook) -> None:
        super().__init__(config)
        self.path = Path(config.path)
        self._file: IO[bytes] | None = None
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._offset = 0  # how far this hook has read the file

    async def start(self) -> None:
        try:
            self._file = await asyncio.to_thread(_open_append, self.path)
        except OSError as exc:
            raise DeliveryError(f"cannot open {self.path}: {exc.strerror}", permanent=True) from exc
        size = os.fstat(self._file.fileno()).st_size
        self._offset = max(0, size - TAIL_BYTES)

    async def deliver(self, event: dict[str, Any]) -> str:
        if self._file is None:
            await self.start()
        assert self._file is not None
        line = (json.dumps(event, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            written = await asyncio.to_thread(self._append_once, self._file, event["id"], line)
        except OSError as exc:
            raise DeliveryError(f"cannot write {self.path}: {exc.strerror}") from exc
        return f"wrote a line to {self.path}" if written else f"already in {self.path}"

    def _append_once(self, handle: IO[bytes], event_id: str, line: bytes) -> bool:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            self._catch_up()
            if event_id in self._seen:
                return False
            if not _ends_a_line(handle):
                handle.write(b"\n")  # a crash mid-write left half a line: keep ours whole
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
            self._offset = os.fstat(handle.fileno()).st_size
            self._remember(event_id)
            return True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

    def _catch_up(self) -> None:
        """Read the ids of the whole lines appended since ``_offset`` (by anyone)."""
        with open(self.path, "rb") as reader:
            reader.seek(self._offset)
            data = reader.read()
        complete = data[: data.rfind(b"\n") + 1]  # a line still being written waits
        began_mid_line = self._offset and not _starts_a_line(self.path, self._offset)
        self._offset += len(complete)
        if began_mid_line:
            complete = complete.partition(b"\n")[2]
        for raw in complete.splitlines():
            event_id = _event_id(raw)
            if event_id:
                self._remember(event_id)

    def _remember(self, event_id: str) -> None:
        self._seen[event_id] = None
        self._seen.move_to_end(event_id)
        while len(self._seen) > REMEMBER:
            self._seen.popitem(last=False)

    async def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _open_append(path: Path) -> IO[bytes]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return open(path, "a+b")  # kept open until close(); "+" so that pread works


def _ends_a_line(handle: IO[bytes]) -> bool:
    size = os.fstat(handle.fileno()).st_size
    return size == 0 or os.pread(handle.fileno(), 1, size - 1) == b"\n"


def _starts_a_line(path: Path, offset: int) -> bool:
    with open(path, "rb") as reader:
        reader.seek(offset - 1)
        return reader.read(1) == b"\n"


def _event_id(raw: bytes) -> str:
    try:
        value = json.loads(raw)["id"]
    except (ValueError, KeyError, TypeError):
        return ""
    return value if isinstance(value, str) else ""
