"""CLI polish as a user meets it: --version, global options after the command, status's
exit code and next poll, serve's address checks (subprocesses, real store)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from crawler.config import http_listen, settings_from_mapping
from crawler.demo.runner import write_seed
from crawler.errors import ConfigError
from tests.processes import run_cli


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _config(tmp_path: Path, redis_url: str, prefix: str, feeds: list[str]) -> Path:
    seed = write_seed(tmp_path)
    path = tmp_path / "newswatch.toml"
    path.write_text(
        f'[redis]\nurl = "{redis_url}"\nkey_prefix = "{prefix}"\n'
        '[crawler]\nallow_private_addresses = true\nconnect_timeout = "2s"\n'
        "[worker]\nmax_tries = 1\n"
        f'[[story]]\nid = "k"\nseed = "{seed}"\n'
        + "".join(f'[[feed]]\nurl = "{u}"\n' for u in feeds)
    )
    return path


async def test_version_and_global_options_after_the_command(
    tmp_path: Path, redis_url: str, prefix: str
) -> None:
    code, out, _ = await run_cli("--version", cwd=tmp_path)
    assert code == 0 and out.startswith("newswatch 0.")
    config = str(_config(tmp_path, redis_url, prefix, []))
    before = await run_cli("--config", config, "status", "--json", cwd=tmp_path)
    after = await run_cli("status", "--json", "--config", config, "-q", cwd=tmp_path)
    assert before[0] == after[0] == 0, before[2] + after[2]
    assert json.loads(before[1])["store"] == json.loads(after[1])["store"]


async def test_status_fails_from_the_first_failure_and_shows_next_poll(
    tmp_path: Path, redis_url: str, prefix: str
) -> None:
    dead = f"http://127.0.0.1:{_closed_port()}/feed.xml"
    config = str(_config(tmp_path, redis_url, prefix, [dead]))
    code, _, err = await run_cli("--config", config, "run", "--once", cwd=tmp_path)
    assert code == 0, err
    assert err.count(dead) == 1  # one line for the feed, the URL once
    code, out, _ = await run_cli("--config", config, "status", cwd=tmp_path)
    assert code == 1
    assert f"[failing] {dead}" in out and "(1 failure(s) in a row)" in out
    assert "next poll 20" in out and "error: cannot connect" in out
    code, out, _ = await run_cli("--config", config, "status", "--json", cwd=tmp_path)
    (feed,) = json.loads(out)["feeds"]
    assert code == 1 and feed["status"] == "failing" and feed["failures"] == 1
    assert feed["next_poll"] > feed["last_poll"]


async def test_serve_refuses_a_remote_address_without_a_token(
    tmp_path: Path, redis_url: str, prefix: str
) -> None:
    config = str(_config(tmp_path, redis_url, prefix, []))
    code, _, err = await run_cli(
        "serve", "--listen", "0.0.0.0:8787", "--config", config, cwd=tmp_path
    )
    assert code == 2 and "--listen" in err and "token" in err


def test_a_non_local_bind_without_a_token_is_a_config_error() -> None:
    story = {"story": [{"id": "a", "seed": "seed.txt"}]}
    with pytest.raises(ConfigError, match=r"http: listen = '0.0.0.0:8787'.*set token"):
        settings_from_mapping({**story, "http": {"listen": "0.0.0.0:8787"}})
    with pytest.raises(ConfigError, match=r"http\.token_env: environment variable NW_T is not set"):
        settings_from_mapping({**story, "http": {"listen": "0.0.0.0:80", "token_env": "NW_T"}})
    with pytest.raises(ConfigError, match=r"http\.listen: expected HOST:PORT"):
        settings_from_mapping({**story, "http": {"listen": "8787"}})
    guarded = settings_from_mapping(
        {**story, "http": {"listen": "0.0.0.0:80", "token_env": "NW_T"}}, env={"NW_T": "t0k"}
    )
    assert guarded.http.token == "t0k" and http_listen(guarded, None) == ("0.0.0.0", 80)
    local = settings_from_mapping(story)
    assert http_listen(local, None) == ("127.0.0.1", 8787)
    assert http_listen(local, "[::1]:9000") == ("::1", 9000)
    with pytest.raises(ConfigError, match="--listen"):
        http_listen(local, "10.1.2.3:80")
    from_env = settings_from_mapping(
        story, env={"NEWSWATCH_HTTP_LISTEN": "0.0.0.0:1", "NEWSWATCH_HTTP_TOKEN": "x"}
    )
    assert (from_env.http.listen, from_env.http.token) == ("0.0.0.0:1", "x")


async def test_run_serves_the_web_view_and_is_ready_with_its_heartbeats(
    tmp_path: Path, redis_url: str, prefix: str
) -> None:
    import asyncio
    import signal
    import sys

    import aiohttp

    port = _closed_port()
    config = _config(tmp_path, redis_url, prefix, [])
    config.write_text(config.read_text() + f'[http]\nlisten = "127.0.0.1:{port}"\n')
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "crawler.cli",
        "--config",
        str(config),
        "run",
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    try:
        async with asyncio.timeout(60):
            while b"newswatch running" not in (line := await process.stderr.readline()):
                assert line, "run ended before it was running"
            async with aiohttp.ClientSession() as session:
                while True:  # the first heartbeats are written as the roles start
                    async with session.get(f"http://127.0.0.1:{port}/readyz") as resp:
                        body = await resp.json()
                        if resp.status == 200:
                            break
                    await asyncio.sleep(0.1)
        assert body["checks"]["scheduler"].startswith("ok (1 running)")
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
