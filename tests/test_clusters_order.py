"""Copy clusters do not depend on the order pages are processed in (real pipeline, Redis).

The issue's case: an original revised in place to 225 and a stale republication still saying
164 arrive together; whichever is processed first, the original is the cluster's
representative (earliest *published*), and its 225 is the story's figure — never silenced as
a copy's. Every order, and one poll of all three sites, gives the same clusters and
representatives, one ``article.related`` per cluster and an ``article.duplicate`` for every
other member.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from crawler.cli.story import story as story_command
from crawler.config import Settings
from crawler.core.seed import parse_seed_text
from crawler.models import ArticleJob, JobReason
from crawler.runtime import open_runtime
from crawler.runtime.roles import run_once
from crawler.store import Store
from crawler.store.clusters import read_clusters
from tests.conftest import SEED_FILE
from tests.newsroom import Newsroom
from tests.newstexts import NEIGHBOUR, NEIGHBOUR_TITLE, WIRE, WIRE_TITLE, respin

KILLED = "killed|people"
ORIGINAL = [p.replace("164 people had died", "225 people had died") for p in WIRE]
STALE = ["By Jane Doe, Steppe Wire", *(p.replace("(Steppe Wire) —", "--") for p in WIRE)]
RESPUN = respin("\n".join(ORIGINAL), swap_share=0.12, drop=2)[0].split("\n")


@pytest.fixture
async def rooms() -> AsyncIterator[list[Newsroom]]:
    started = [Newsroom(n) for n in ("Steppe Wire", "World Digest", "Caspian Herald")]
    for room in started:
        await room.start()
    wire, digest, herald = started
    # the wire's report, published at 08:00 and revised in place to 225 at 10:30
    wire.publish("/wire/masimov", WIRE_TITLE, ORIGINAL, "2022-01-08T08:00:00Z",
                 "2022-01-08T10:30:00Z")  # fmt: skip
    # a stale republication of its first version (164), and a re-spun copy of the revision
    digest.publish("/digest/masimov", "Kazakh ex-spy chief held", STALE, "2022-01-08T09:00:00Z")
    herald.publish("/herald/masimov", WIRE_TITLE, RESPUN, "2022-01-08T11:00:00Z")
    yield started
    for room in reversed(started):
        await room.close()


def _settings(make_settings: Callable[..., Settings], prefix: str, rooms: list[Newsroom],
              tmp: Path) -> Settings:  # fmt: skip
    return make_settings(
        redis={"key_prefix": prefix},
        story=[{"id": "story", "seed": str(SEED_FILE), "revisit": ["1h"]}],
        feed=[{"url": r.feed_url, "interval": "1h"} for r in rooms],
        storage={"data_dir": str(tmp)},
    )


async def _outcome(store: Store) -> dict[str, Any]:
    """Clusters (representative → copies), article events per type, the story's figure."""
    clusters = await read_clusters(store.articles, "story", str(SEED_FILE))
    found = {c.representative.url: sorted(m.url for m in c.copies) for c in clusters}
    emitted = await store.outbox.all_events()
    kinds = sorted(e["type"] for e in emitted if e["type"].startswith("article."))
    standing = (await store.timeline.standings("story", [KILLED]))[KILLED]
    return {"clusters": found, "article_events": kinds, "killed": standing.report.fact.value}


async def test_every_order_gives_the_same_clusters_and_representative(
    rooms: list[Newsroom], make_settings: Callable[..., Settings], prefix: str, tmp_path: Path
) -> None:
    wire, digest, herald = rooms
    urls = [wire.url("/wire/masimov"), digest.url("/digest/masimov"), herald.url("/herald/masimov")]
    outcomes = []
    orders = list(itertools.permutations(urls))
    for n, order in enumerate(orders):
        settings = _settings(make_settings, f"{prefix}o{n}:", rooms, tmp_path / f"o{n}")
        async with open_runtime(settings) as runtime:
            for url in order:
                assert await runtime.pipeline.process(ArticleJob("story", url)) in (
                    "related",
                    "duplicate",
                )
            outcomes.append(await _outcome(runtime.store))
            duplicates = [
                e
                for e in await runtime.store.outbox.all_events()
                if e["type"] == "article.duplicate"
            ]
            assert {d["duplicate_of"] for d in duplicates} <= set(urls)  # inside the cluster
    # and all three in one poll (scheduler + burst worker, jobs in whatever order)
    once = _settings(make_settings, f"{prefix}poll:", rooms, tmp_path / "poll")
    await run_once(once)
    store = await Store.connect(once.redis.url, once.redis.key_prefix)
    try:
        outcomes.append(await _outcome(store))
    finally:
        await store.close()

    expected = {
        "clusters": {wire.url("/wire/masimov"): sorted(urls[1:])},
        "article_events": ["article.duplicate", "article.duplicate", "article.related"],
        "killed": 225,  # the original's revised figure, whichever page came first
    }
    assert outcomes == [expected] * (len(orders) + 1)


async def test_a_copy_published_first_and_seen_last_becomes_the_representative(
    rooms: list[Newsroom], make_settings: Callable[..., Settings], prefix: str, tmp_path: Path
) -> None:
    wire, digest, _ = rooms
    settings = _settings(make_settings, prefix, rooms, tmp_path)
    async with open_runtime(settings) as runtime:
        await runtime.pipeline.process(ArticleJob("story", digest.url("/digest/masimov")))
        assert await runtime.pipeline.process(ArticleJob("story", wire.url("/wire/masimov"))) == (
            "duplicate"
        )
        emitted = await runtime.store.outbox.all_events()
        related, duplicate = [e for e in emitted if e["type"].startswith("article.")]
        # the user hears of the wire's report as a copy of what they already have …
        assert related["article"]["url"] == digest.url("/digest/masimov")
        assert duplicate["duplicate_of"] == digest.url("/digest/masimov")
        # the same reporting: a byline added (furniture) and one figure in a long sentence
        assert duplicate["containment"] > 0.9 and duplicate["changed_sentences"] == 0
        # … but the wire's report, published first, represents the cluster from now on
        (cluster,) = await read_clusters(runtime.store.articles, "story", str(SEED_FILE))
        assert cluster.representative.url == wire.url("/wire/masimov")
        assert [c.url for c in cluster.copies] == [digest.url("/digest/masimov")]
        assert cluster.representative.published.startswith("2022-01-08T08:00")


async def test_a_copy_updated_into_a_report_of_its_own_is_tracked_on_its_own(
    rooms: list[Newsroom], make_settings: Callable[..., Settings], prefix: str, tmp_path: Path
) -> None:
    wire, digest, _ = rooms
    settings = _settings(make_settings, prefix, rooms, tmp_path)
    async with open_runtime(settings) as runtime:
        await runtime.pipeline.process(ArticleJob("story", wire.url("/wire/masimov")))
        copy = digest.url("/digest/masimov")
        assert await runtime.pipeline.process(ArticleJob("story", copy)) == "duplicate"
        # the digest rewrites its page in place into its own report of the next days
        own = [
            "Kazakhstan's president named a new government on Tuesday and said the alliance "
            "troops sent to restore order would begin leaving within two days.",
            "Tokayev told parliament the country had survived an attempted coup and promised "
            "to investigate the deaths of 225 people during the unrest in Almaty.",
            "He criticised his predecessor's circle for growing rich while ordinary people "
            "struggled, and said the wealthiest families would pay higher taxes.",
        ]
        digest.publish("/digest/masimov", "Tokayev names a new government", own,
                       "2022-01-08T09:00:00Z", "2022-01-11T09:00:00Z")  # fmt: skip
        await runtime.pipeline.process(ArticleJob("story", copy, JobReason.REVISIT, revisit=0))
        clusters = await read_clusters(runtime.store.articles, "story", str(SEED_FILE))
        assert sorted((c.representative.url, len(c.copies)) for c in clusters) == sorted(
            [(wire.url("/wire/masimov"), 0), (copy, 0)]
        )


async def test_the_seeds_shortened_clean_copy_is_a_copy_of_the_seed(
    rooms: list[Newsroom], make_settings: Callable[..., Settings], prefix: str, tmp_path: Path
) -> None:
    """An aggregator's re-spun seed; the clean original it came from, shortened."""
    seed = parse_seed_text(SEED_FILE.read_text())
    paragraphs = seed.body.split("\n")[::2]  # half the paragraphs
    undone = {  # a few of the re-spin's garbles, put back as a clean copy would have them
        "to help Britain quell": "to help quell",
        "including General Russian President": "including Russian President",
        "Fathers abroad participated": "Militants trained abroad took part",
        "quell mass protests. broke out": "quell mass protests that broke out",
    }
    clean = []
    for paragraph in paragraphs:
        for garbled, fixed in undone.items():
            paragraph = paragraph.replace(garbled, fixed)
        clean.append(paragraph)
    assert len(clean) * 2 <= len(seed.body.split("\n")) + 1 and clean != paragraphs
    _, _, herald = rooms
    url = herald.publish("/herald/order-restored", seed.title, clean, "2022-01-11T08:00:00Z")
    settings = _settings(make_settings, prefix, rooms, tmp_path)
    async with open_runtime(settings) as runtime:
        assert await runtime.pipeline.process(ArticleJob("story", url)) == "duplicate"
        (event,) = await runtime.store.outbox.all_events()
        assert event["duplicate_of"] == "seed"
        # nearly every 3-gram of the clean copy is the seed's; a re-spin put back is a sentence
        # whose words changed (dropping a word from a long sentence leaves it the same one)
        assert event["containment"] > 0.8 and 1 <= event["changed_sentences"] <= len(undone)


async def test_near_misses_are_kept_and_explained(
    rooms: list[Newsroom],
    make_settings: Callable[..., Settings],
    prefix: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    wire, _, herald = rooms
    neighbour = herald.publish(
        "/herald/bishkek", NEIGHBOUR_TITLE, NEIGHBOUR, "2022-01-12T08:00:00Z"
    )
    settings = _settings(make_settings, prefix, rooms, tmp_path)
    async with open_runtime(settings) as runtime:
        await runtime.pipeline.process(ArticleJob("story", wire.url("/wire/masimov")))
        with caplog.at_level(logging.DEBUG, logger="crawler.stages.article.judging"):
            assert await runtime.pipeline.process(ArticleJob("story", neighbour)) == "unrelated"
        assert any(
            neighbour in r.getMessage() and "top terms" in r.getMessage() for r in caplog.records
        )
        assert await story_command(settings, "story", as_json=True) == 0
        data = json.loads(capsys.readouterr().out)
        (miss,) = data["near_misses"]
        assert miss["url"] == neighbour and miss["title"] == NEIGHBOUR_TITLE
        assert 0.075 <= miss["score"] < 1 and miss["terms"]
        assert {"kazakhstan", "almaty"} <= set(data["profile"]["core_names"])
        assert await story_command(settings, "story", as_json=False) == 0
        text = capsys.readouterr().out
        assert "near misses" in text and neighbour in text and "top terms:" in text
