"""``newswatch facts`` and ``newswatch timeline`` as a user runs them (subprocesses)."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

from crawler.config import Settings
from crawler.runtime.roles import run_once
from tests.conftest import SEED_FILE, LocalSite
from tests.newsroom import Newsroom
from tests.processes import run_cli
from tests.test_revisions_scenario import A_TITLE, A_V1, REPORT

CLI = [sys.executable, "-m", "crawler.cli"]
WIRE = (
    "Police said 12 civilians were killed and 30 wounded in Almaty on Thursday.\n"
    "No one was arrested, the Interior Ministry said.\n"
    "The storm could kill thousands if it makes landfall."
)


async def test_facts_of_a_text_file(tmp_path: Path) -> None:
    (tmp_path / "wire.txt").write_text(WIRE)
    code, out, err = await run_cli("facts", "wire.txt", cwd=tmp_path)
    assert code == 0, err
    rows = [re.split(r"\s{2,}", line.strip()) for line in out.splitlines()]
    assert rows[0] == ["kind", "subject", "figure", "quantity", "role", "scope", "said_by",
                       "sentence"]  # fmt: skip
    # without a story, every named place is a restriction ("in Almaty": that city's count)
    assert rows[1][:7] == [
        "killed",
        "civilians",
        "12",
        "exact",
        "partial",
        "place=Almaty",
        "Police",
    ]
    assert rows[2][:6] == ["injured", "civilians", "30", "exact", "partial", "place=Almaty"]
    assert rows[3][:7] == [
        "arrested",
        "people",
        "0",
        "exact",
        "total",
        "-",
        "the Interior Ministry",
    ]
    # the storm's "thousands" is a vague prediction, kept with its role
    assert rows[4][:5] == ["killed", "people", "thousands", "vague", "projection"]
    assert len(rows) == 5


async def test_facts_of_stdin_as_json(tmp_path: Path) -> None:
    text = (
        "About 2.3 million people have been displaced, the U.N. said. Nearly 8,000 were detained."
    )
    code, out, err = await run_cli("facts", "-", "--json", cwd=tmp_path, stdin=text.encode())
    assert code == 0, err
    assert json.loads(out) == [
        {
            "kind": "displaced",
            "subject": "people",
            "value": 2300000,
            "low": None,
            "high": None,
            "qualifier": "about",
            "quantity": "bounded",
            "role": "total",
            "scope": {},
            "attribution": "the U.N.",
            "sentence": "About 2.3 million people have been displaced, the U.N. said.",
        },
        {
            "kind": "arrested",
            "subject": "people",
            "value": 8000,
            "low": None,
            "high": 8000,
            "qualifier": "nearly",
            "quantity": "bounded",
            "role": "total",
            "scope": {},
            "attribution": "",
            "sentence": "Nearly 8,000 were detained.",
        },
    ]


async def test_facts_of_an_html_page_use_its_year(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        '<html><head><meta property="article:published_time" content="2019-03-02T08:00:00Z">'
        "</head><body><article><p>In 2019, 12 people died in protests in the capital, police "
        "said.</p><p>Twenty-five people were injured when police fired rubber bullets.</p>"
        "<nav>Read about the 40 people killed elsewhere</nav></article></body></html>"
    )
    code, out, err = await run_cli("facts", str(page), "--json", cwd=tmp_path)
    assert code == 0, err
    facts = [(f["kind"], f["value"], f["role"]) for f in json.loads(out)]
    # 2019 is the article's own year: not background
    assert facts == [("killed", 12, "total"), ("injured", 25, "total")]


async def test_facts_of_a_url_need_the_private_address_opt_in(
    tmp_path: Path, site: LocalSite
) -> None:
    url = site.text("/a", f"<html><body><article><p>{WIRE}</p></article></body></html>")
    code, _, err = await run_cli("facts", url, cwd=tmp_path)
    assert code == 1 and "allow_private_addresses" in err
    code, out, err = await run_cli(
        "facts", url, "--allow-private-addresses", "--json", cwd=tmp_path
    )
    assert code == 0, err
    assert [f["kind"] for f in json.loads(out)] == ["killed", "injured", "arrested", "killed"]


async def test_facts_use_the_configured_vocabulary(tmp_path: Path) -> None:
    config = tmp_path / "newswatch.toml"
    config.write_text(
        f'[[story]]\nid = "s"\nseed = "{SEED_FILE}"\n'
        '[facts]\nwords = { kidnapped = ["abducted", "taken hostage"] }\n'
        'subjects = { gendarmes = "police" }\n'
    )
    text = b"Gunmen said 40 students were abducted and three gendarmes were killed."
    code, out, err = await run_cli(
        "--config", str(config), "facts", "-", "--json", cwd=tmp_path, stdin=text
    )
    assert code == 0, err
    assert [(f["kind"], f["subject"], f["value"]) for f in json.loads(out)] == [
        ("kidnapped", "students", 40),
        ("killed", "police", 3),
    ]
    config.write_text(config.read_text() + 'verbs = { "Killed!" = ["x"] }\n')
    code, _, err = await run_cli("--config", str(config), "facts", "-", cwd=tmp_path, stdin=text)
    assert code == 2 and "facts.verbs" in err and "lower-case" in err


async def test_facts_of_a_missing_file(tmp_path: Path) -> None:
    code, _, err = await run_cli("facts", "absent.txt", cwd=tmp_path)
    assert code == 1 and err.startswith("newswatch: cannot read absent.txt")


async def test_timeline_command(
    tmp_path: Path, make_settings: Callable[..., Settings], redis_url: str, prefix: str
) -> None:
    post = Newsroom("Steppe Post")
    await post.start()
    try:
        post.publish(REPORT, A_TITLE, A_V1, "2022-01-09T08:00:00Z")
        settings = make_settings(feed=[{"url": post.feed_url}])
        await run_once(settings)
    finally:
        await post.close()
    config = tmp_path / "newswatch.toml"
    config.write_text(
        f'[redis]\nurl = "{redis_url}"\nkey_prefix = "{prefix}"\n'
        f'[[story]]\nid = "story"\nseed = "{SEED_FILE}"\n'
        f'[[story]]\nid = "quiet"\nseed = "{SEED_FILE}"\n'
    )
    code, out, err = await run_cli("--config", str(config), "timeline", "story", cwd=tmp_path)
    assert code == 0, err
    assert "killed|people: now at least 164" in out and post.source in out
    assert "more than 160" in out and "seed" in out  # the seed opens the timeline
    code, out, err = await run_cli(
        "--config", str(config), "timeline", "story", "--json", cwd=tmp_path
    )
    assert code == 0, err
    people = next(f for f in json.loads(out)["facts"] if f["kind"] == "killed")
    assert [e["effect"] for e in people["timeline"]] == ["seed", "first"]
    code, out, err = await run_cli("--config", str(config), "timeline", "quiet", cwd=tmp_path)
    assert code == 0 and "story quiet: no facts recorded yet" in out, err
    code, _, err = await run_cli("--config", str(config), "timeline", "nope", cwd=tmp_path)
    assert code == 2 and "unknown story 'nope'" in err
