"""The live pre-filter and discovery's re-check rank the story's terms the same way.

Both use :func:`crawler.core.relevance.ranked_terms` (seed tf-idf + the grown profile, names
boosted): the scheduler takes its key terms from the same refresh that rebuilds discovery's
searches. News outlets named in the seed ("an ABC News reporter") and names whose words are not
among the story's key terms ("Britain", mentioned once) do not let a world-news entry through.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from crawler.config import Settings
from crawler.core.profile import Contribution
from crawler.core.relevance import seed_key_terms
from crawler.demo.stories import UNRELATED, UNRELATED_TITLE
from crawler.runtime import open_runtime
from crawler.stages.seed.load import build_profile, read_seed_file
from crawler.store import Store
from tests.conftest import SEED_FILE, LocalSite
from tests.test_clusters import page
from tests.test_discovery import rss

WORLD = [
    ("ABC News poll: viewers split over TV licence fee", "A survey of licence payers."),
    ("Britain and Ukraine sign a grain export deal", "Ministers met in London on Monday."),
]
STORY = ("Tokayev names a new government", "The Kazakh president appointed a new cabinet.")


def test_key_terms_drop_news_outlets_and_passing_names() -> None:
    profile = build_profile("story", read_seed_file(Path(SEED_FILE)))
    assert {"abc news", "tv", "britain", "ukraine"} <= profile.entities
    key = seed_key_terms(profile.terms, profile.entities)
    assert not {"abc news", "tv", "britain", "ukraine"} & key.names
    assert {"tokayev", "kazakhstan", "nursultan nazarbayev", "csto"} <= key.names
    assert key.terms[:2] == ("kazakhstan", "presid") and len(key.terms) == 40
    assert [key.passes(f"{t} {s}") for t, s in WORLD] == [False, False]
    assert key.passes(" ".join(STORY))


async def test_world_news_naming_the_seed_in_passing_is_skipped(
    site: LocalSite, make_settings: Callable[..., Settings]
) -> None:
    items = [(t, f"https://world.example/{i}", s) for i, (t, s) in enumerate(WORLD)]
    items.append((STORY[0], "https://world.example/story", STORY[1]))
    feed = site.text("/world.xml", rss(items), content_type="application/rss+xml")
    async with open_runtime(make_settings(feed=[{"url": feed}])) as runtime:
        (result,) = await runtime.scheduler.poll_all()
    assert (result.queued, result.skipped) == (1, 2)


async def test_the_live_prefilter_follows_the_grown_profile(
    site: LocalSite, make_settings: Callable[..., Settings], store: Store
) -> None:
    """The story took a turn (related articles are about the city's cycle lanes): a new entry
    about it passes the scheduler's pre-filter at once, as discovery's re-check would pass it."""
    city = site.text("/a/cycle-lanes.html", page(UNRELATED_TITLE, UNRELATED))
    items = [(UNRELATED_TITLE, city, UNRELATED[0])]
    feed = site.text("/feed.xml", rss(items), content_type="application/rss+xml")
    async with store.transaction() as pipe:
        store.discovery.queue_grow(pipe, "story", Contribution({"cycl": 0.5, "lane": 0.5}, {}, 1.0))
        await pipe.execute()
    async with open_runtime(make_settings(feed=[{"url": feed}])) as runtime:
        (result,) = await runtime.scheduler.poll_all()
    assert (result.queued, result.skipped) == (1, 0)
    assert await store.discovery.skipped("story") == []
