"""Seed intake: the user's aggregator copy becomes a clean profile."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.core.seed import parse_seed_text
from crawler.errors import SeedError
from crawler.stages.seed.load import build_profile, read_seed_file
from tests.conftest import SEED_FILE


def test_user_seed_keeps_story_and_source_and_drops_boilerplate() -> None:
    seed = parse_seed_text(SEED_FILE.read_text())
    assert seed.title == "Kazakh President says order is restored after suppressing protests"
    assert seed.source_url.startswith("https://abcnews.go.com/International/kazakhstans-president")
    assert seed.body.startswith("Kazakhstan’s president on Monday said")
    assert seed.body.endswith("only bread delivered.")
    for junk in ("USTimeToday", "Related Articles", "Back to top", "Emma Bowman", "abcnews"):
        assert junk not in seed.body


def test_profile_has_terms_entities_and_facts() -> None:
    profile = build_profile("s", read_seed_file(SEED_FILE))
    assert {"kazakhstan", "tokayev", "protest"} <= set(profile.terms)
    assert {"almaty", "csto", "kassym-jomart tokayev"} <= profile.entities
    readings = {(f.kind, f.subject): (f.value, f.qualifier) for f in profile.facts}
    assert readings[("killed", "people")] == (160, "more than")
    assert readings[("arrested", "people")] == (8000, "nearly")
    assert readings[("troops", "troops")] == (2300, "")


def test_html_seed(tmp_path: Path) -> None:
    page = tmp_path / "seed.html"
    page.write_text(
        "<html><head><title>Unrest in Almaty</title>"
        '<link rel="canonical" href="https://news.example/almaty"></head><body><article>'
        "<p>Protests in Almaty turned violent as security forces opened fire on crowds.</p>"
        "<p>More than 160 people were killed, the authorities in Kazakhstan said.</p>"
        "</article></body></html>"
    )
    seed = read_seed_file(page)
    assert seed.title == "Unrest in Almaty"
    assert seed.source_url == "https://news.example/almaty"
    assert "160 people were killed" in seed.body


@pytest.mark.parametrize("text", ["", "\n\n", "Only a title\n\nRelated Articles\nBack to top"])
def test_empty_seeds_are_clear_errors(text: str) -> None:
    with pytest.raises(SeedError):
        parse_seed_text(text)


def test_missing_seed_file_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(SeedError, match="relative to"):
        read_seed_file(tmp_path / "nope.txt")
