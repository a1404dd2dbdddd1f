"""``newswatch check`` as a user runs it: a verdict per line, exit 0 / 1 / 2 (real store,
real local feeds and receivers)."""

from __future__ import annotations

import socket
from pathlib import Path

from aiohttp import web

from crawler.demo.runner import write_seed
from crawler.demo.site import DemoSite
from tests.conftest import LocalSite
from tests.processes import run_cli


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _config(tmp_path: Path, redis: str, prefix: str, feeds: list[str], hooks: str = "") -> Path:
    seed = write_seed(tmp_path)
    feed_lines = "".join(f'[[feed]]\nurl = "{u}"\n' for u in feeds)
    path = tmp_path / "newswatch.toml"
    path.write_text(
        f'[redis]\nurl = "{redis}"\nkey_prefix = "{prefix}"\n'
        "[crawler]\nallow_private_addresses = true\n"
        f'[[story]]\nid = "k"\nseed = "{seed}"\n{feed_lines}'
        '[[hook]]\ntype = "jsonl"\npath = "alerts.jsonl"\n' + hooks
    )
    return path


async def test_a_good_config_is_ready(
    tmp_path: Path, demo_site: DemoSite, site: LocalSite, redis_url: str, prefix: str
) -> None:
    demo_site.advance(1)
    received: list[str] = []

    async def receiver(request: web.Request) -> web.Response:
        received.append(request.method)
        return web.Response(status=405)  # a POST-only receiver: still reachable

    hook = f'[[hook]]\ntype = "webhook"\nurl = "{site.route("/hook", receiver)}"\n'
    config = _config(tmp_path, redis_url, prefix, demo_site.feeds, hook)
    code, out, err = await run_cli("check", "--config", str(config), cwd=tmp_path)
    assert code == 0, out + err
    lines = out.splitlines()
    assert lines[-1] == "ready to run"
    assert [line.split()[:2] for line in lines[:-1]] == [
        ["ok", "config"],
        ["ok", "store"],
        ["ok", "seed"],
        ["ok", "feed"],
        ["ok", "feed"],
        ["ok", "hook"],
        ["ok", "hook"],
    ]
    assert "'Steppe Wire', 1 entries" in out and "HTTP 405 to HEAD" in out
    assert received == ["HEAD"]  # reached, nothing delivered


async def test_a_dead_feed_fails_its_line_and_the_exit_code(
    tmp_path: Path, demo_site: DemoSite, redis_url: str, prefix: str
) -> None:
    dead = f"http://127.0.0.1:{_closed_port()}/feed.xml"
    config = _config(tmp_path, redis_url, prefix, [demo_site.feeds[0], dead])
    code, out, _ = await run_cli("check", "--config", str(config), cwd=tmp_path)
    assert code == 1
    assert f"FAIL  feed   {dead} — cannot connect" in out
    assert "ok    feed" in out and out.splitlines()[-1] == "1 problem(s)"


async def test_a_dead_hook_fails(
    tmp_path: Path, demo_site: DemoSite, redis_url: str, prefix: str
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/hook"
    hooks = f'[[hook]]\ntype = "webhook"\nurl = "{url}"\n[[hook]]\ntype = "jsonl"\npath = "/proc/nope/a.jsonl"\n'
    config = _config(tmp_path, redis_url, prefix, demo_site.feeds, hooks)
    code, out, _ = await run_cli("check", "--config", str(config), cwd=tmp_path)
    assert code == 1
    assert f"FAIL  hook   webhook:{url} — unreachable" in out
    assert "FAIL  hook   jsonl:/proc/nope/a.jsonl" in out
    assert out.splitlines()[-1] == "2 problem(s)"


async def test_a_bad_store_url_fails_and_a_bad_config_exits_2(
    tmp_path: Path, demo_site: DemoSite, prefix: str
) -> None:
    config = _config(tmp_path, f"redis://127.0.0.1:{_closed_port()}/0", prefix, demo_site.feeds)
    code, out, err = await run_cli("check", "--config", str(config), cwd=tmp_path)
    assert code == 1, err
    assert "FAIL  store  cannot reach Redis at redis://127.0.0.1:" in out
    assert "ok    seed" in out  # the other checks still run
    config.write_text(config.read_text() + '[worker]\nmax_jobs = "many"\n')
    code, out, err = await run_cli("check", "--config", str(config), cwd=tmp_path)
    assert code == 2 and "worker.max_jobs" in err and "Traceback" not in err
