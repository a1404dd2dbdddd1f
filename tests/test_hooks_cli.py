"""Visible delivery, as a user runs it: ``run --once`` says what is pending and exits 3 on
dead letters; ``newswatch hooks`` / ``hooks test`` / ``hooks replay`` / ``status``."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.demo.runner import write_seed
from crawler.demo.site import DemoSite
from tests.hookkit import Receiver
from tests.processes import run_cli


def _config(tmp_path: Path, redis_url: str, prefix: str, site: DemoSite, hooks: str) -> str:
    seed = write_seed(tmp_path)
    feeds = "".join(f'[[feed]]\nurl = "{u}"\ninterval = "1h"\n' for u in site.feeds)
    path = tmp_path / "newswatch.toml"
    path.write_text(
        f'[redis]\nurl = "{redis_url}"\nkey_prefix = "{prefix}"\n'
        '[crawler]\nallow_private_addresses = true\nper_host_delay = "0s"\n'
        f'[[story]]\nid = "k"\nseed = "{seed}"\nrevisit = ["1h"]\n{feeds}{hooks}'
    )
    return str(path)


async def test_run_once_says_what_is_pending_and_why(
    tmp_path: Path, redis_url: str, prefix: str, demo_site: DemoSite
) -> None:
    demo_site.advance(1)
    hooks = (
        '[[hook]]\ntype = "jsonl"\npath = "alerts.jsonl"\n'
        '[[hook]]\ntype = "webhook"\nurl = "http://127.0.0.1:9/hook"\n'
    )
    config = _config(tmp_path, redis_url, prefix, demo_site, hooks)
    code, _, err = await run_cli("--config", config, "run", "--once", cwd=tmp_path)
    assert code == 0, err
    assert (
        "events: 1 delivered, 1 pending (webhook:http://127.0.0.1:9/hook: "
        "cannot connect to 127.0.0.1:9 (connection refused))"
    ) in err
    assert "ClientConnectorError" not in err and "Traceback" not in err
    code, out, err = await run_cli("--config", config, "hooks", cwd=tmp_path)
    assert code == 0, err
    lines = out.splitlines()
    assert (
        lines[0].split() == "jsonl:alerts.jsonl delivered 1 pending 0 dead 0 filtered out 0".split()
    )
    assert (
        lines[1].split()[:7]
        == "webhook:http://127.0.0.1:9/hook delivered 0 pending 1 dead 0".split()
    )
    assert "retrying since" in lines[2] and "cannot connect to 127.0.0.1:9" in lines[2]
    code, out, _ = await run_cli("--config", config, "status", cwd=tmp_path)
    assert "hooks:" in out and "webhook:http://127.0.0.1:9/hook  delivered 0  pending 1" in out
    code, out, _ = await run_cli("--config", config, "status", "--json", cwd=tmp_path)
    by_name = {h["name"]: h for h in json.loads(out)["hooks"]}
    assert by_name["webhook:http://127.0.0.1:9/hook"]["retrying"]["attempts"] >= 2


async def test_dead_letters_exit_3_are_listed_and_replay_delivers_them(
    tmp_path: Path, redis_url: str, prefix: str, demo_site: DemoSite
) -> None:
    receiver = await Receiver().start()
    receiver.always = 400
    demo_site.advance(1)
    hooks = f'[[hook]]\nname = "desk"\ntype = "webhook"\nurl = "{receiver.url}"\n'
    config = _config(tmp_path, redis_url, prefix, demo_site, hooks)
    try:
        code, _, err = await run_cli("--config", config, "run", "--once", cwd=tmp_path)
        assert code == 3, err
        assert "0 delivered, 1 dead-lettered (desk; see newswatch hooks)" in err
        code, out, _ = await run_cli("--config", config, "hooks", "--json", cwd=tmp_path)
        [desk] = json.loads(out)
        assert (desk["dead"], desk["pending"], desk["delivered"]) == (1, 0, 0)
        receiver.always = None
        code, out, err = await run_cli(
            "--config", config, "hooks", "replay", "desk", "--dead", cwd=tmp_path
        )
        assert code == 0, err
        assert "desk: replayed 1 of 1 dead letter(s); 0 left" in out
        code, out, _ = await run_cli("--config", config, "hooks", "--json", cwd=tmp_path)
        [desk] = json.loads(out)
        assert (desk["dead"], desk["delivered"]) == (0, 1)
    finally:
        await receiver.stop()
    assert [r.status for r in receiver.got] == [400, 200]
    assert receiver.got[0].json["id"] == receiver.got[1].json["id"]
    assert receiver.got[1].json["type"] == "article.related"


async def test_hooks_test_sends_a_sample_and_says_what_happened(
    tmp_path: Path, redis_url: str, prefix: str, demo_site: DemoSite
) -> None:
    receiver = await Receiver().start()
    hooks = (
        f'[[hook]]\nname = "desk"\ntype = "webhook"\nurl = "{receiver.url}"\n'
        'events = ["article.related"]\n'  # the test bypasses the rules
        '[[hook]]\nname = "down"\ntype = "webhook"\nurl = "http://127.0.0.1:9/hook"\n'
    )
    config = _config(tmp_path, redis_url, prefix, demo_site, hooks)
    try:
        code, out, err = await run_cli("--config", config, "hooks", "test", "desk", cwd=tmp_path)
        assert code == 0, err
        assert out.strip() == "desk: sample fact.revised delivered (answered 200)"
        code, out, _ = await run_cli("--config", config, "hooks", "test", "down", cwd=tmp_path)
        assert code == 1
        assert "down: sample fact.revised failed: cannot connect to 127.0.0.1:9" in out
        code, _, err = await run_cli("--config", config, "hooks", "test", "nope", cwd=tmp_path)
        assert code == 2 and "unknown hook 'nope'; configured hooks: ['desk', 'down']" in err
    finally:
        await receiver.stop()
    sample = receiver.got[0].json
    assert sample["test"] is True and sample["fact"]["new"]["value"] == 225


async def test_replay_refills_a_receiver_from_the_outbox(
    tmp_path: Path, redis_url: str, prefix: str, demo_site: DemoSite
) -> None:
    demo_site.advance(1)
    hooks = '[[hook]]\nname = "file"\ntype = "jsonl"\npath = "alerts.jsonl"\n'
    config = _config(tmp_path, redis_url, prefix, demo_site, hooks)
    code, _, err = await run_cli("--config", config, "run", "--once", cwd=tmp_path)
    assert code == 0, err
    alerts = tmp_path / "alerts.jsonl"
    original = alerts.read_text()
    alerts.unlink()  # the receiver lost its data
    code, out, err = await run_cli(
        "--config", config, "hooks", "replay", "file", "--since", "1h", cwd=tmp_path
    )
    assert code == 0, err
    assert "file: replayed 1 of 1 event(s) from the outbox" in out
    assert alerts.read_text() == original
