"""The bundled Valkey: persistent, one server per data dir, stopped by its last user."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import redis

from crawler.errors import StoreError
from crawler.store import Store
from crawler.store.embedded import EmbeddedValkey


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
    owner = EmbeddedValkey(tmp_path)
    url = owner.acquire()
    owner._users = None  # simulate a crash: the process is gone without releasing
    joiner = EmbeddedValkey(tmp_path)
    assert joiner.acquire() == url  # reused, not a second server on the same AOF
    joiner.release()
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(url).ping()


async def test_unreachable_redis_is_a_clear_store_error() -> None:
    with pytest.raises(StoreError, match=re.escape("cannot reach Redis at redis://127.0.0.1:1/0")):
        await Store.connect("redis://127.0.0.1:1/0", "x:")
