"""Pages that would keep the HTML parser busy for seconds are refused before parsing.

lexbor's cost grows with tags × nesting depth (40,000 nested ``<div>``: 3 s; 200,000: 91 s),
so :mod:`crawler.core.extract.nesting` estimates it from the bytes and refuses such pages with
a clear :class:`ExtractError`; real pages are never refused.
"""

from __future__ import annotations

import gzip

import pytest

from crawler.core.extract import extract_article
from crawler.core.extract.nesting import MAX_COST, QUICK_TAGS, check_nesting, estimate
from crawler.errors import ExtractError
from tests.conftest import shared_path

STORY = "<p>" + "Protesters gathered in Almaty's main square as police looked on. " * 8 + "</p>"


def page(body: str) -> bytes:
    return f"<!doctype html><html><head><title>Unrest</title></head><body>{body}</body></html>".encode()


def test_a_deeply_nested_page_is_refused_before_parsing() -> None:
    deep = page("<div>" * 20_000 + STORY + "</div>" * 20_000)  # parses (slowly) without the guard
    with pytest.raises(ExtractError, match=r"too costly to parse .*nested up to 10,000 deep"):
        extract_article(deep, "https://news.example/deep")


def test_many_block_tags_under_moderate_nesting_are_refused() -> None:
    # 600 levels then 100,000 blocks: each block makes the parser walk 600 open elements
    costly = page("<span>" * 600 + "<div></div>" * 100_000 + STORY)
    with pytest.raises(ExtractError, match="nesting cost"):
        extract_article(costly)
    assert estimate(costly).cost > MAX_COST


def test_too_many_tags_are_refused() -> None:
    with pytest.raises(ExtractError, match="tags, limit"):
        extract_article(page("<i>x</i>" * 450_000 + STORY))


def test_deep_but_cheap_pages_still_extract() -> None:
    nested = page("<div>" * 5_000 + STORY + "</div>" * 5_000)
    assert "Protesters gathered" in extract_article(nested).text
    big = page("<div><p>A paragraph of the story.</p><br><img src=x.png></div>" * 30_000 + STORY)
    assert estimate(big).depth == 1  # void and self-closing p/br/img do not nest
    assert "Protesters gathered" in extract_article(big).text


def test_scripts_comments_and_void_elements_do_not_count() -> None:
    script = "<script>var s='" + "<div>" * 30_000 + "';</script>"
    comment = "<!--" + "<div>" * 30_000 + "-->"
    svg = "<svg>" + '<path d="M0"/>' * 30_000 + "</svg>"
    for filler in (script, comment, svg):
        body = page(filler + STORY)
        check_nesting(body)
        assert estimate(body).depth <= 2
        assert "Protesters gathered" in extract_article(body).text
    assert estimate(page("<div><br><hr><img><input><p>a<p>b<li>c</div>")).depth == 1


def test_unterminated_markup_ends_the_scan() -> None:
    assert estimate(b"<div " * 200_000).tags == 0  # no '>' anywhere: no tag at all
    assert estimate(b"<div><!-- " + b"<div>" * 100_000).depth == 1
    assert estimate(b"<div><script>" + b"<div>" * 100_000).depth == 1


def test_text_pages_are_checked_too() -> None:
    with pytest.raises(ExtractError, match="too costly"):
        extract_article(page("<section>" * 12_000 + STORY).decode())


def test_no_real_page_is_refused() -> None:
    folder = shared_path("data", "extraction-benchmark", "html")
    pages = sorted(folder.glob("*.html.gz"))
    assert len(pages) == 123
    for path in pages:
        raw = gzip.decompress(path.read_bytes())
        check_nesting(raw)
        found = estimate(raw)
        assert found.cost < MAX_COST // 1000 and found.depth < 100, path.name
    assert QUICK_TAGS == 10_000
