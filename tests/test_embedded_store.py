"""The bundled Valkey: persistent, one server per data dir, stopped by its last user, and
restarted by its supervisor when it dies."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import redis

from crawler.errors import StoreError
from crawler.store import Store, StoreAddress
from crawler.store.embedded import EmbeddedValkey
from crawler.store.serverfiles import alive, ping, read_recorded
from tests.conftest import SEED_FILE
from tests.processes import run_cli


def test_data_survives_a_restart(tmp_path: Path) -> None:
    first = EmbeddedValkey(tmp_path)
    client = redis.Redis.from_url(first.acquire())
    client.set("kept", "yes")
    client.close()
    first.release()
    assert not (tmp_path / "server.json").exists()
    second = EmbeddedValkey(tmp_path)
    client = redis.Redis.from_url(second.acquire())
    assert client.get("kept") == b"yes"
    assert client.config_get("appendonly")["appendonly"] == "yes"
    assert client.config_get("appendfsync")["appendfsync"] == "everysec"
    client.close()
    second.release()


def test_two_users_share_one_server_and_the_last_stops_it(tmp_path: Path) -> None:
    a, b = EmbeddedValkey(tmp_path), EmbeddedValkey(tmp_path)
    url_a, url_b = a.acquire(), b.acquire()
    assert url_a == url_b
    pid = json.loads((tmp_path / "server.json").read_text())["pid"]
    a.release()
    client = redis.Redis.from_url(url_b)
    assert client.ping()
    b.release()
    with pytest.raises(redis.ConnectionError):
        client.ping()
    client.close()
    assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()


def test_a_crashed_owner_leaves_a_server_that_the_next_process_joins(tmp_path: Path) -> None:
    crash = (
        "import os, sys; from pathlib import Path; from crawler.store.embedded import "
        "EmbeddedValkey; print(EmbeddedValkey(Path(sys.argv[1])).acquire(), flush=True); "
        "os.kill(os.getpid(), 9)"
    )
    owner = subprocess.run(
        [sys.executable, "-c", crash, str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    url = owner.stdout.strip()
    assert owner.returncode == -signal.SIGKILL and url.startswith("redis://")
    joiner = EmbeddedValkey(tmp_path)
    assert joiner.acquire() == url  # reused, not a second server on the same AOF
    assert joiner.supervising  # the crashed owner's supervision passed on
    joiner.release()
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(url).ping()


async def test_unreachable_redis_is_a_clear_store_error() -> None:
    with pytest.raises(StoreError, match=re.escape("cannot reach Redis at redis://127.0.0.1:1/0")):
        await Store.connect("redis://127.0.0.1:1/0", "x:")


def _kill(tmp_path: Path) -> int:
    """``kill -9`` the data dir's server; returns its pid."""
    pid = int(json.loads((tmp_path / "server.json").read_text())["pid"])
    os.kill(pid, signal.SIGKILL)
    return pid


def _until(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    """Wait for ``condition`` (checked every 20 ms) or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


def _serving(tmp_path: Path, old_pid: int) -> bool:
    recorded = read_recorded(tmp_path)
    return recorded is not None and recorded.pid != old_pid and ping(recorded.port)


async def test_a_killed_server_is_restarted_from_its_aof_and_clients_follow(
    tmp_path: Path,
) -> None:
    server = EmbeddedValkey(tmp_path)
    server.acquire()
    address = StoreAddress(server.url, tmp_path)
    client = address.redis()  # follows restarts: the port is re-read on every reconnect
    await client.set("kept", "yes")  # acknowledged: it reached the AOF
    dead = _kill(tmp_path)
    await asyncio.to_thread(_until, lambda: _serving(tmp_path, dead))
    assert not alive(dead)  # reaped, not a zombie that looks alive
    with contextlib.suppress(redis.ConnectionError):
        await client.ping()  # the old connection fails once ...
    assert await client.get("kept") == b"yes"  # ... then the pool reconnects, data intact
    assert server.restarts == 1
    await client.aclose()
    server.release()
    assert not (tmp_path / "server.json").exists()


def test_only_the_supervisor_restarts_and_supervision_passes_on(tmp_path: Path) -> None:
    first, second = EmbeddedValkey(tmp_path), EmbeddedValkey(tmp_path)
    first.acquire()
    second.acquire()
    assert first.supervising and not second.supervising
    dead = _kill(tmp_path)
    _until(lambda: _serving(tmp_path, dead))
    assert (first.restarts, second.restarts) == (1, 0)  # one server, never a second
    first.release()  # the supervisor leaves; the server stays for the other user ...
    _until(lambda: second.supervising)  # ... whose watcher takes supervision over
    pid = int(json.loads((tmp_path / "server.json").read_text())["pid"])
    _kill(tmp_path)
    _until(lambda: _serving(tmp_path, pid))
    assert second.restarts == 1
    second.release()
    assert not (tmp_path / "server.json").exists()


async def test_status_during_an_outage_joins_the_restarted_server(tmp_path: Path) -> None:
    """`newswatch status` while the store is down neither starts a second server nor stops
    the one the supervisor restarted."""
    data = tmp_path / "data"
    daemon = EmbeddedValkey(data)
    daemon.acquire()
    config = tmp_path / "newswatch.toml"
    config.write_text(
        f'[storage]\ndata_dir = "{data}"\n[[story]]\nid = "s"\nseed = "{SEED_FILE}"\n'
    )
    dead = _kill(data)
    code, _, err = await run_cli("--config", str(config), "status", cwd=tmp_path)
    assert code == 0, err
    recorded = read_recorded(data)
    assert recorded is not None and recorded.pid != dead and alive(recorded.pid)
    assert ping(recorded.port)  # still running after status left: it was never status's
    assert daemon.restarts == 1
    daemon.release()
    assert not alive(recorded.pid)
