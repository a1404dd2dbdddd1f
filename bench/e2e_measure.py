"""What ``bench/e2e.py`` measures, and how: processes, the store server, the machine.

* **CPU of a process tree**: a launched process is reaped with ``os.wait4``, whose resource
  usage is the process's own ``utime + stime`` plus that of every descendant it waited for;
  its peak RSS is ``ru_maxrss``. The store server (the bundled Valkey, started by the bench so
  it outlives the processes it serves) is read from ``/proc/<pid>/stat`` (fields 14 and 15,
  utime and stime, in clock ticks) before and after, and its peak RSS from ``VmHWM`` in
  ``/proc/<pid>/status`` (a fresh server per run, so that peak is the run's).
* **Redis figures** are deltas of the server's ``INFO all`` between a snapshot taken before
  the variant's processes start and one taken after they have all exited:
  ``total_commands_processed`` (every command executed, counting each command inside
  MULTI/EXEC and each ``redis.call`` inside a script; MULTI and EXEC count too),
  ``total_reads_processed`` (read events on client sockets: one per request batch the server
  receives — a lone command, a pipeline, a whole MULTI…EXEC block sent at once), the network
  bytes, ``used_memory`` and the per-command ``calls`` of ``commandstats``. **Round trips** are
  the read events: a client that pipelines sends one batch and waits once; a request larger
  than the server's 16 KiB read buffer, or one the kernel delivers in pieces, counts as more
  than one, so the figure is an upper bound (``total_writes_processed``, the reply writes, is
  reported beside it as a cross-check). No MONITOR, no CLIENT LIST sampling.
* **Bytes per stored article** are the ``used_memory`` delta less what stays when every key
  is gone (:meth:`Probe.residue`, a ``FLUSHALL SYNC`` once everything else is read): the
  server's fixed costs of having served the run, chiefly the per-command latency histograms
  (``latency-tracking``, ~25 KB for each command name first used, ~1 MB for newswatch's 40 or
  so), which a store of ten times as many articles holds once too. That residue is reported
  beside the figure (``redis_fixed_bytes``), and so is the plain delta.
* **The bench's own commands** (the snapshots and the completion probe) go through one
  connection that counts what it sends (:class:`Probe`) and are subtracted: between two
  snapshots the server has processed the first snapshot's INFO and the probes' commands, and
  has read the probes' batches and the second snapshot's INFO. :meth:`Probe.calibrate` checks
  that arithmetic on the live server before each run.
* **Machine load**: ``/proc/stat``'s busy time (everything but idle and iowait) over the run,
  less the variant's, the store's and the site's CPU, is reported as ``other_programs_cpu_s``:
  other programs on a shared machine, the bench itself (its probe) and kernel work charged
  to no process — so a loaded machine shows up beside the figures.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

import redis

TICK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid: int) -> float:
    """utime + stime of a live process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def proc_peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def machine_busy() -> float:
    """CPU seconds the whole machine spent busy since boot (all cores)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / TICK


class Launched:
    """A subprocess reaped by a thread with ``os.wait4``, so its CPU and peak RSS are known."""

    def __init__(
        self, name: str, args: Sequence[str], cwd: Path, log: Path, env: Mapping[str, str]
    ):
        self.name = name
        self.log = log
        self._sink: IO[bytes] = log.open("wb")
        self.started = time.monotonic()
        self.popen = subprocess.Popen(
            list(args), cwd=cwd, env=dict(env), stdout=self._sink, stderr=subprocess.STDOUT
        )
        self.cpu = 0.0
        self.peak_rss_kb = 0
        self.returncode: int | None = None
        self.ended = 0.0
        self._done = threading.Event()
        threading.Thread(target=self._reap, name=f"reap-{name}", daemon=True).start()

    def _reap(self) -> None:
        _, status, usage = os.wait4(self.popen.pid, 0)
        self.ended = time.monotonic()
        self.cpu = usage.ru_utime + usage.ru_stime
        self.peak_rss_kb = usage.ru_maxrss
        self.returncode = os.waitstatus_to_exitcode(status)
        self.popen.returncode = self.returncode  # reaped here: Popen must not wait again
        self._sink.close()
        self._done.set()

    def cpu_now(self) -> float:
        """CPU seconds so far (the final figure once reaped)."""
        if not self.exited:
            with contextlib.suppress(OSError, IndexError, ValueError):
                return proc_cpu(self.popen.pid)
        self.wait(1.0)  # reaped between the check and the read: the figure is being set
        return self.cpu

    @property
    def exited(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float) -> bool:
        return self._done.wait(timeout)

    def stop(self, grace: float = 60.0) -> None:
        """SIGTERM (newswatch drains and exits 0), SIGKILL after ``grace`` seconds."""
        if not self.exited:
            self.popen.terminate()
            if not self.wait(grace):
                self.popen.kill()
                self.wait(10.0)

    def tail(self, lines: int = 15) -> str:
        text = self.log.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])


@dataclass(frozen=True, slots=True)
class ServerSnapshot:
    commands: int
    reads: int
    writes: int
    net_in: int
    net_out: int
    used_memory: int
    calls: dict[str, int]
    cpu: float  # the server process's utime + stime, seconds

    def minus(self, before: ServerSnapshot, own: Counted) -> dict[str, Any]:
        calls = {k: v - before.calls.get(k, 0) - own.calls.get(k, 0) for k, v in self.calls.items()}
        return {
            "commands": self.commands - before.commands - own.commands_between,
            "round_trips": self.reads - before.reads - own.reads_between,
            "reply_writes": self.writes - before.writes - own.writes_between,
            "net_in": self.net_in - before.net_in,
            "net_out": self.net_out - before.net_out,
            "used_memory": self.used_memory - before.used_memory,
            "calls": {k: v for k, v in calls.items() if v > 0},
            "cpu": self.cpu - before.cpu,
        }


@dataclass(slots=True)
class Counted:
    """What the bench itself sent between two snapshots."""

    probes: int = 0
    probe_commands: int = 0
    calls: dict[str, int] = field(default_factory=dict)

    @property
    def commands_between(self) -> int:
        return 1 + self.probe_commands  # the first snapshot's INFO, then the probes

    @property
    def reads_between(self) -> int:
        return self.probes + 1  # the probes' batches, then the second snapshot's INFO

    @property
    def writes_between(self) -> int:
        return 1 + self.probes  # the first snapshot's reply, then the probes' replies


class Probe:
    """The bench's one connection to the store: snapshots and cheap reads, all counted."""

    def __init__(self, url: str, pid: int) -> None:
        self.client = redis.Redis.from_url(url, max_connections=1)  # one connection, reused
        self.client.ping()  # connect (and redis-py's CLIENT SETINFO) before any snapshot
        self.pid = pid
        self.counted = Counted()

    def start(self) -> ServerSnapshot:
        """The snapshot a run's figures are measured from."""
        snapshot = self._read()
        self.counted = Counted(calls={"info": 1})
        return snapshot

    def delta(self, before: ServerSnapshot) -> dict[str, Any]:
        """What the server did since ``before``, less what this probe sent."""
        own = self.counted
        after = self._read()
        self.counted = Counted(calls={"info": 1})
        return after.minus(before, own)

    def _read(self) -> ServerSnapshot:
        info = cast(dict[str, Any], self.client.info("all"))
        calls = {
            key.removeprefix("cmdstat_"): int(value["calls"])
            for key, value in info.items()
            if key.startswith("cmdstat_")
        }
        return ServerSnapshot(
            commands=int(info["total_commands_processed"]),
            reads=int(info["total_reads_processed"]),
            writes=int(info["total_writes_processed"]),
            net_in=int(info["total_net_input_bytes"]),
            net_out=int(info["total_net_output_bytes"]),
            used_memory=int(info["used_memory"]),
            calls=calls,
            cpu=proc_cpu(self.pid),
        )

    def batch(self, commands: Sequence[tuple[str, ...]]) -> list[Any]:
        """Send ``commands`` as one pipeline (one round trip), counted."""
        pipe = self.client.pipeline(transaction=False)
        for command in commands:
            pipe.execute_command(*command)  # type: ignore[no-untyped-call]
            name = command[0].lower()
            self.counted.calls[name] = self.counted.calls.get(name, 0) + 1
        self.counted.probes += 1
        self.counted.probe_commands += len(commands)
        return list(pipe.execute())

    def memory_by_kind(self) -> dict[str, int]:
        """Bytes held per kind of key (its first two ``:`` parts, e.g. ``nw:v``, ``arq:result``),
        from ``MEMORY USAGE`` of every key (read after the run's figures: not counted)."""
        client: Any = self.client
        kinds: dict[str, int] = {}
        keys = list(client.scan_iter(count=1000))
        for start in range(0, len(keys), 500):
            pipe = client.pipeline(transaction=False)
            for key in keys[start : start + 500]:
                pipe.memory_usage(key, samples=0)  # every element, not an estimate
            for key, used in zip(keys[start : start + 500], pipe.execute(), strict=True):
                kind = ":".join(key.decode(errors="replace").split(":")[:2])
                kinds[kind] = kinds.get(kind, 0) + int(used or 0)
        return kinds

    def overhead(self) -> dict[str, int]:
        """What ``used_memory`` holds outside the keys (``MEMORY STATS``: script caches, client
        buffers, the keyspace's own tables), read after the run's figures: not counted."""
        client: Any = self.client
        raw: list[Any] = client.execute_command("MEMORY", "STATS")
        stats = dict(zip(raw[::2], raw[1::2], strict=True))
        wanted = ("lua.caches", "functions.caches", "clients.normal", "aof.buffer")
        out = {name: int(stats[name.encode()]) for name in wanted if name.encode() in stats}
        db = stats.get(b"db.0")
        if isinstance(db, list):  # the keyspace's hash tables: per-key overhead
            for name, value in zip(db[::2], db[1::2], strict=True):
                out[name.decode().removeprefix("overhead.")] = int(value)
        return out

    def residue(self, before: ServerSnapshot) -> int:
        """``used_memory`` since ``before`` once every key is deleted (the run's fixed costs:
        latency histograms, script caches). Empties the store: call it last."""
        client: Any = self.client
        client.execute_command("FLUSHALL", "SYNC")
        used = int(client.info("memory")["used_memory"])
        return used - before.used_memory

    def calibrate(self) -> None:
        """Check the own-command arithmetic on the idle server (nothing else connected)."""
        before = self.start()
        self.batch([("PING",), ("DBSIZE",)])
        delta = self.delta(before)
        if delta["commands"] or delta["round_trips"] or delta["reply_writes"] or delta["calls"]:
            raise RuntimeError(f"the bench cannot subtract its own commands exactly: {delta}")

    def close(self) -> None:
        self.client.close()
