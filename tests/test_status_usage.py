"""``newswatch status`` shows the store's memory and its size per key family, and prints
no secret from a feed URL."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.cli import inspect
from crawler.config import Settings
from crawler.runtime.roles import run_once
from tests.newsroom import Newsroom
from tests.test_revisions_scenario import A_TITLE, A_V1, REPORT


async def test_status_shows_memory_and_families_and_masks_feed_keys(
    post: Newsroom,
    make_settings: Callable[..., Settings],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    keyed = f"{post.feed_url}?apikey=F33dK3y"  # the same feed, with a key in its URL
    settings = make_settings(feed=[{"url": keyed}])
    post.publish(REPORT, A_TITLE, A_V1, "2022-01-09T08:00:00Z")
    await run_once(settings)

    assert await inspect.status(settings, as_json=True) == 0
    out = capsys.readouterr().out
    assert "F33dK3y" not in out and "apikey=***" in out
    usage = json.loads(out)["usage"]
    assert usage["memory"]["used"] > 0
    families = usage["families"]
    for family in ("a", "v", "sig", "lsh", "entries", "events", "tracked"):
        assert families[family]["keys"] >= 1 and families[family]["bytes"] > 0, family
    assert "arq" not in families  # no job results kept, nothing queued
    assert usage["waiting_entries"] == 0

    assert await inspect.status(settings, as_json=False) == 0
    text = capsys.readouterr().out
    assert "store memory:" in text and "by family: " in text
    largest = list(families)[:12]  # the text lists the largest, in the JSON's order
    assert all(f" {name} " in text for name in largest)
    assert "F33dK3y" not in text
