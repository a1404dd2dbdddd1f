"""The command line as a user runs it (subprocesses; real embedded store; local sites)."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

from crawler.demo.runner import write_seed
from crawler.demo.site import DemoSite
from tests.conftest import LocalSite
from tests.processes import run_cli

CLI = [sys.executable, "-m", "crawler.cli"]


async def test_demo_exits_0_prints_the_story_and_keeps_it_to_explore(tmp_path: Path) -> None:
    code, out, err = await run_cli("demo", cwd=tmp_path)
    assert code == 0, err
    for expected in (
        "[article.related]",
        "[article.duplicate]",
        "[article.updated]",
        "[fact.revised]",
        "at least 164 → 225",
        "killed: 225 → 238 (+13, +6 %)",
        "(no new events",
    ):
        assert expected in out
    assert out.count("[article.related]") == 2  # the report, and the rival outlet's own
    assert not (tmp_path / ".newswatch").exists()  # the demo never touches the user's store
    demo = tmp_path / ".newswatch-demo"
    alerts = [json.loads(line) for line in (demo / "alerts.jsonl").read_text().splitlines()]
    assert len(alerts) == 6
    config = demo / "newswatch.toml"
    assert f"newswatch --config {config.relative_to(tmp_path)} timeline" in out
    assert "serve" in out and "http://127.0.0.1:8787/" in out
    # what it printed works: the kept store answers the explore commands
    code, timeline, err = await run_cli(
        "timeline", "kazakhstan-unrest", "--config", str(config), cwd=tmp_path
    )
    assert code == 0, err
    assert "killed|people: now 238" in timeline
    again, out2, _ = await run_cli("demo", cwd=tmp_path)  # kept: shown again, not replayed
    assert again == 0 and "already ran" in out2 and "[article.related]" not in out2
    fresh, out3, err3 = await run_cli("demo", "--fresh", cwd=tmp_path)
    assert fresh == 0, err3
    assert out3.count("[article.related]") == 2


async def test_extract_file_as_json(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(
        '<html lang="ru"><head><meta charset="windows-1251"><title>Новости</title>'
        '<meta property="article:published_time" content="2022-01-10T08:00:00+06:00">'
        '<link rel="canonical" href="https://news.example/a/1"></head><body><article>'
        "<p>Более 160 человек погибли в ходе беспорядков в Казахстане, сообщили власти.</p>"
        "<p>Президент заявил, что конституционный порядок восстановлен.</p>"
        "</article></body></html>".encode("cp1251")
    )
    code, out, err = await run_cli("extract", str(page), "--json", cwd=tmp_path)
    assert code == 0, err
    data = json.loads(out)
    assert data["title"] == "Новости"
    assert data["language"] == "ru"
    assert data["canonical_url"] == "https://news.example/a/1"
    assert data["published"] == "2022-01-10T08:00:00+06:00"
    assert data["text"].splitlines()[0].startswith("Более 160 человек погибли")


async def test_extract_url_needs_the_private_address_opt_in(
    tmp_path: Path, site: LocalSite
) -> None:
    url = site.text(
        "/a",
        "<html><body><article><p>" + "Words in a paragraph. " * 5 + "</p></article></body></html>",
    )
    code, _, err = await run_cli("extract", url, cwd=tmp_path)
    assert code == 1 and "allow_private_addresses" in err
    code, out, err = await run_cli("extract", url, "--allow-private-addresses", cwd=tmp_path)
    assert code == 0, err
    assert "Words in a paragraph." in out


async def test_extract_rejects_empty_and_binary_input(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_text("")
    (tmp_path / "blob.html").write_bytes(bytes(range(256)) * 20)
    for name in ("empty.html", "blob.html", "absent.html"):
        code, _, err = await run_cli("extract", name, cwd=tmp_path)
        assert code == 1 and "Traceback" not in err and err.startswith("newswatch:")


def _config(tmp_path: Path, site: DemoSite) -> Path:
    seed = write_seed(tmp_path)
    path = tmp_path / "newswatch.toml"
    feeds = "".join(f'[[feed]]\nurl = "{u}"\ninterval = "1h"\n' for u in site.feeds)
    path.write_text(
        '[crawler]\nallow_private_addresses = true\nper_host_delay = "0s"\n'
        f'[[story]]\nid = "k"\nseed = "{seed}"\nrevisit = ["1h"]\n{feeds}'
        '[[hook]]\ntype = "jsonl"\npath = "alerts.jsonl"\n'
    )
    return path


async def test_run_once_then_history(tmp_path: Path, demo_site: DemoSite) -> None:
    demo_site.advance(1)
    config = str(_config(tmp_path, demo_site))
    code, _, err = await run_cli("--config", config, "run", "--once", cwd=tmp_path)
    assert code == 0, err
    assert "events: 1 delivered" in err
    code, out, err = await run_cli(
        "--config", config, "history", demo_site.report_url, cwd=tmp_path
    )
    assert code == 0, err
    assert "1 version(s)" in out and "killed/people: at least 164" in out
    code, out, _ = await run_cli("--config", config, "status", "--json", cwd=tmp_path)
    status = json.loads(out)
    assert status["tracked"] == {"k": 1} and len(status["feeds"]) == 2
    assert all(f["status"] == "ok" for f in status["feeds"])
    assert not (tmp_path / ".newswatch" / "server.json").exists()  # store stopped with the CLI


async def test_sigterm_drains_and_exits_0(tmp_path: Path, demo_site: DemoSite) -> None:
    demo_site.advance(1)
    config = str(_config(tmp_path, demo_site))
    process = await asyncio.create_subprocess_exec(
        *CLI,
        "--config",
        config,
        "run",
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    seen = []
    async with asyncio.timeout(60):  # wait for the log line saying the article was judged
        while not seen or "related http" not in seen[-1]:
            seen.append((await process.stderr.readline()).decode())
            assert seen[-1], "".join(seen)
    process.send_signal(signal.SIGTERM)
    _, rest = await asyncio.wait_for(process.communicate(), 60)
    err = "".join(seen) + rest.decode()
    assert process.returncode == 0, err
    assert "stopping: draining" in err and "stopped" in err
    alerts = tmp_path / "alerts.jsonl"
    assert json.loads(alerts.read_text().splitlines()[0])["type"] == "article.related"
    assert not (tmp_path / ".newswatch" / "server.json").exists()


async def test_a_hook_that_cannot_start_is_a_config_error(tmp_path: Path) -> None:
    seed = write_seed(tmp_path)
    config = tmp_path / "newswatch.toml"
    config.write_text(
        f'[[story]]\nid = "k"\nseed = "{seed}"\n'
        '[[hook]]\ntype = "jsonl"\npath = "/proc/no-such-dir/alerts.jsonl"\n'
    )
    code, _, err = await run_cli("--config", str(config), "run", "--once", cwd=tmp_path)
    assert code == 2, err
    assert "hook 'jsonl:/proc/no-such-dir/alerts.jsonl' cannot start" in err
    assert "Traceback" not in err
