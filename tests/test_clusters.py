"""Copies, clusters and relevance through the real article stage (local site, real Redis)."""

from __future__ import annotations

import html
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from crawler.cli.story import story as story_command
from crawler.config import Settings
from crawler.core.seed import parse_seed_text
from crawler.demo.runner import write_seed
from crawler.demo.site import DemoSite
from crawler.models import ArticleJob
from crawler.runtime import Runtime, open_runtime
from crawler.store.clusters import read_clusters
from tests.conftest import SEED_FILE, LocalSite
from tests.newstexts import (
    COMMON_WORDS,
    COMMON_WORDS_TITLE,
    EARLY_TITLE,
    SAME_EVENT,
    SAME_EVENT_TITLE,
    SYNDICATION_INTRO,
    SYNDICATION_OUTRO,
    WIRE,
    WIRE_TITLE,
    respin,
)
from tests.processes import run_cli


def page(title: str, paragraphs: list[str], canonical: str = "") -> str:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{html.escape(title)}</title>{link}</head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>{html.escape(title)}</h1>{body}</article>"
        "<footer>© Example Media</footer></body></html>"
    )


@pytest.fixture
async def runtime(make_settings: Callable[..., Settings]) -> AsyncIterator[Runtime]:
    async with open_runtime(make_settings()) as opened:
        yield opened


async def _events(runtime: Runtime) -> list[dict[str, Any]]:
    return await runtime.store.outbox.all_events()


async def test_respun_copy_of_the_seed_is_a_copy_of_seed(runtime: Runtime, site: LocalSite) -> None:
    seed = parse_seed_text(SEED_FILE.read_text())
    respun, swapped = respin(seed.body, swap_share=0.15, drop=2)
    assert swapped >= 0.15
    url = site.text("/aggregator/kazakh-leader.html", page(seed.title, respun.split("\n")))
    assert await runtime.pipeline.process(ArticleJob("story", url)) == "duplicate"
    (event,) = await _events(runtime)
    assert event["type"] == "article.duplicate"
    assert event["duplicate_of"] == "seed"
    assert event["similarity"] >= 0.3


async def test_syndicated_copy_names_the_earliest_article(
    runtime: Runtime, site: LocalSite
) -> None:
    first = site.text("/wire/masimov.html", page(WIRE_TITLE, WIRE))
    copy = (
        site.text(
            "/digest/ex-spy-chief.html",
            page("Kazakh ex-spy chief held", [SYNDICATION_INTRO, *WIRE, SYNDICATION_OUTRO]),
        )
        + "?utm_source=rss&utm_medium=feed"
    )
    early = site.text("/flash/masimov.html", page(EARLY_TITLE, WIRE[:2]))
    assert await runtime.pipeline.process(ArticleJob("story", first)) == "related"
    assert await runtime.pipeline.process(ArticleJob("story", copy)) == "duplicate"
    assert await runtime.pipeline.process(ArticleJob("story", early)) == "duplicate"
    related, *copies = await _events(runtime)
    assert related["type"] == "article.related" and related["article"]["url"] == first
    assert [c["type"] for c in copies] == ["article.duplicate"] * 2
    assert {c["duplicate_of"] for c in copies} == {first}
    syndicated, short = copies
    # how each copy differs from the representative (README "Event contract")
    assert syndicated["similarity"] > 0.8 and syndicated["containment"] > 0.9
    assert syndicated["changed_sentences"] == 3  # the digest's intro and two-sentence outro
    assert short["similarity"] < 0.3 and short["containment"] > 0.9
    assert short["changed_sentences"] == 0  # shortened, not rewritten

    clusters = await read_clusters(runtime.store.articles, "story", str(SEED_FILE))
    assert len(clusters) == 1
    (cluster,) = clusters
    assert cluster.representative.url == first
    assert [c.url for c in cluster.copies] == [copy, early]
    assert cluster.sources == [related["article"]["source"]]  # one host serves all three here


async def test_same_event_is_related_and_common_words_are_unrelated(
    runtime: Runtime, site: LocalSite
) -> None:
    wire = site.text("/wire/masimov.html", page(WIRE_TITLE, WIRE))
    other = site.text("/other/withdrawal.html", page(SAME_EVENT_TITLE, SAME_EVENT))
    council = site.text("/local/budget.html", page(COMMON_WORDS_TITLE, COMMON_WORDS))
    assert await runtime.pipeline.process(ArticleJob("story", wire)) == "related"
    assert await runtime.pipeline.process(ArticleJob("story", other)) == "related"
    assert await runtime.pipeline.process(ArticleJob("story", council)) == "unrelated"
    emitted = await _events(runtime)
    articles = [e for e in emitted if e["type"].startswith("article.")]
    assert [e["type"] for e in articles] == ["article.related", "article.related"]
    # the second source reports a higher toll and detention figure: story-scope revisions
    revisions = [e for e in emitted if e["type"] == "fact.revised"]
    assert sorted((e["scope"], e["fact"]["kind"]) for e in revisions) == [
        ("story", "arrested"),
        ("story", "killed"),
    ]
    same_event = articles[1]
    assert same_event["relevance"] >= 0.15
    assert {"tokayev", "troops", "kazakhstan"} <= set(same_event["shared_terms"])
    clusters = await read_clusters(runtime.store.articles, "story", str(SEED_FILE))
    assert sorted(c.representative.url for c in clusters) == sorted([wire, other])
    assert all(not c.copies for c in clusters)


async def test_story_command_lists_clusters(
    runtime: Runtime, site: LocalSite, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = parse_seed_text(SEED_FILE.read_text())
    respun, _ = respin(seed.body)
    first = site.text("/wire/masimov.html", page(WIRE_TITLE, WIRE))
    copy = site.text("/digest/copy.html", page("Held", [SYNDICATION_INTRO, *WIRE]))
    spun = site.text("/aggregator/spun.html", page(seed.title, respun.split("\n")))
    for url in (first, copy, spun):
        await runtime.pipeline.process(ArticleJob("story", url))

    assert await story_command(runtime.settings, "story", as_json=True) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["story"] == "story"
    seed_cluster, wire_cluster = data["clusters"]
    assert seed_cluster["representative"]["doc"] == "seed"
    assert [c["url"] for c in seed_cluster["copies"]] == [spun]
    assert wire_cluster["representative"]["url"] == first
    assert [c["url"] for c in wire_cluster["copies"]] == [copy]
    assert wire_cluster["copies"][0]["source"].startswith("127.0.0.1:")
    assert wire_cluster["copies"][0]["first_seen"] >= wire_cluster["representative"]["first_seen"]

    assert await story_command(runtime.settings, "story", as_json=False) == 0
    text = capsys.readouterr().out
    assert text.startswith("story story: 2 cluster(s), 3 tracked article(s)")
    assert "    copy  " in text and copy in text and spun in text


async def test_story_command_as_a_user_runs_it(tmp_path: Path) -> None:
    site = DemoSite()
    await site.start()
    try:
        site.advance(1)
        site.advance(2)  # the report and its syndicated copy
        seed = write_seed(tmp_path)
        feeds = "".join(f'[[feed]]\nurl = "{u}"\n' for u in site.feeds)
        config = tmp_path / "newswatch.toml"
        config.write_text(
            '[crawler]\nallow_private_addresses = true\nper_host_delay = "0s"\n'
            f'[[story]]\nid = "k"\nseed = "{seed}"\nrevisit = ["1h"]\n{feeds}'
        )
        assert (await run_cli("--config", str(config), "run", "--once", cwd=tmp_path))[0] == 0
        code, out, err = await run_cli(
            "--config", str(config), "story", "k", "--json", cwd=tmp_path
        )
        assert code == 0, err
        (cluster,) = json.loads(out)["clusters"]
        urls = {cluster["representative"]["url"], *(c["url"] for c in cluster["copies"])}
        assert urls == {site.report_url, site.copy_url}
        code, _, err = await run_cli("--config", str(config), "story", "nope", cwd=tmp_path)
        assert code == 2 and "unknown story 'nope'" in err
    finally:
        await site.stop()
