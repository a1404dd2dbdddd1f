"""Renderings of one article (AMP, mobile, desktop) are never diffed against each other
(review #13): a link that folds onto a tracked article makes newswatch fetch the tracked URL.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from crawler.config import Settings
from crawler.core.urls import canonical_url
from crawler.runtime.roles import run_once
from crawler.store import Store, url_doc
from tests.newsroom import Newsroom
from tests.test_revisions_scenario import (
    A_TITLE,
    A_V1,
    A_V2,
    A_V2_TITLE,
    REPORT,
    Alerts,
    scenario_settings,
)

AMP = "/amp" + REPORT  # folds onto REPORT by its path: the same canonical URL
MOBILE = "/m/kazakh-toll"  # does not fold, but names REPORT as its canonical page
AMP_TEXT = [*A_V1[:2], "Read the full story on our website."]
MOBILE_TEXT = [A_V1[0], "Download our app for live updates."]


async def test_other_renderings_of_a_tracked_article_are_not_compared(
    post: Newsroom, make_settings: Callable[..., Settings], store: Store, tmp_path: Path
) -> None:
    settings = scenario_settings(make_settings, tmp_path, post, revisit=["1h"])
    alerts = Alerts(tmp_path / "alerts.jsonl")
    url = post.publish(REPORT, A_TITLE, A_V1, "2022-01-09T08:00:00Z")
    await run_once(settings)
    assert [e["type"] for e in alerts.new()] == ["article.related"]
    assert canonical_url(post.url(AMP)) == canonical_url(url)

    # a mobile rendering appears in the feed: its page names the tracked one as canonical,
    # so the tracked page is fetched and compared instead
    post.publish(MOBILE, A_TITLE, MOBILE_TEXT, "2022-01-09T08:00:00Z", canonical=REPORT)
    await run_once(settings)
    assert alerts.new() == []
    assert post.site.hits[MOBILE] == 1 and post.site.hits[REPORT] == 2

    # an AMP rendering signals a change: its link folds onto the tracked article, so the
    # tracked page is fetched (unchanged) and the AMP page never
    post.publish(AMP, A_TITLE, AMP_TEXT, "2022-01-09T08:00:00Z", canonical=REPORT)
    post.publish(AMP, A_TITLE, AMP_TEXT, "2022-01-09T08:00:00Z", "2022-01-10T08:00:00Z")
    await run_once(settings)
    assert alerts.new() == []
    assert post.site.hits.get(AMP, 0) == 0 and post.site.hits[REPORT] == 3

    # the article is revised; every rendering's feed entry signals it: one update, once
    for path, text, minute in ((REPORT, A_V2, 0), (AMP, AMP_TEXT, 5), (MOBILE, MOBILE_TEXT, 9)):
        modified = f"2022-01-15T12:0{minute}:00Z"
        post.publish(path, A_V2_TITLE, text, "2022-01-09T08:00:00Z", modified)
    await run_once(settings)
    step = alerts.new()
    assert sorted(e["type"] for e in step) == ["article.updated", "fact.revised"]
    assert {e["article"]["url"] for e in step} == {url}
    assert post.site.hits.get(AMP, 0) == 0 and post.site.hits[MOBILE] == 1  # aliased now
    # the desktop entry's signal fetches the tracked page once; the AMP and mobile entries'
    # signals come right after their earlier no-change signals and are held (signal_interval)
    assert post.site.hits[REPORT] == 4
    assert (await store.stats())["signals_held"] == 2

    doc = url_doc(url)
    versions = await store.articles.versions("story", doc)
    assert [v.number for v in versions] == [1, 2]
    assert all(len(v.text.splitlines()) == len(A_V1) for v in versions)  # desktop only
    tracked = await store.articles.get("story", doc)
    assert tracked is not None and tracked.url == url and tracked.version == 2
