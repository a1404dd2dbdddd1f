"""One way to read what a user names — file, URL or standard input — for seeds and ``facts``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aiohttp import web

from crawler.cli import facts as facts_cli
from crawler.config import CrawlerConfig, StoryConfig
from crawler.errors import ExtractError, SeedError
from crawler.fetch import Fetcher
from crawler.stages.seed.load import load_seed
from crawler.stages.seed.sources import read_document
from tests.conftest import SEED_FILE, LocalSite

LOCAL = CrawlerConfig(allow_private_addresses=True, per_host_delay="0s")
PAGE = (
    "<html><head><title>Unrest in Almaty</title>"
    '<link rel="canonical" href="https://news.example/almaty"></head><body><article>'
    "<p>Protests in Almaty turned violent as security forces opened fire on crowds.</p>"
    "<p>More than 160 people were killed, the authorities in Kazakhstan said.</p>"
    "</article></body></html>"
)


async def test_files_are_html_by_name_or_by_their_first_bytes(tmp_path: Path) -> None:
    (tmp_path / "page.htm").write_text(PAGE)
    (tmp_path / "saved.txt").write_text("\n  <!DOCTYPE html>" + PAGE)
    (tmp_path / "wire.txt").write_text("Police said 12 civilians were killed.")
    for name in ("page.htm", "saved.txt"):
        document = await read_document(str(tmp_path / name), LOCAL)
        assert document.html and document.url == ""
        assert document.article.title == "Unrest in Almaty"
        assert document.article.canonical_url == "https://news.example/almaty"
    plain = await read_document(str(tmp_path / "wire.txt"), LOCAL)
    assert not plain.html and plain.text == "Police said 12 civilians were killed."
    assert plain.article.title == ""


async def test_files_are_decoded_like_pages(tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes(
        "Até 160 mortos em Almaty, disse a polícia.".encode("cp1252")
    )
    assert (await read_document(str(tmp_path / "latin.txt"), LOCAL)).text.startswith("Até 160")


async def test_urls_are_fetched_and_plain_text_is_read_as_text(site: LocalSite) -> None:
    html = site.text("/page", PAGE)
    text = site.text("/wire", "Police said 12 civilians were killed.", "text/plain")
    document = await read_document(html, LOCAL)
    assert document.html and document.url == html
    assert "160 people were killed" in document.text
    plain = await read_document(text, LOCAL)
    assert not plain.html and plain.text == "Police said 12 civilians were killed."
    fetcher = Fetcher(LOCAL)  # or through a fetcher the caller holds
    try:
        assert (await read_document(html, fetcher)).article.title == "Unrest in Almaty"
    finally:
        await fetcher.close()


async def test_a_missing_file_says_where_paths_are_relative_to(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match=r"cannot read .*absent.txt .*relative to"):
        await read_document(str(tmp_path / "absent.txt"), LOCAL)


async def test_a_plain_text_seed_url_reads_like_a_seed_file(site: LocalSite) -> None:
    url = site.text("/seed.txt", SEED_FILE.read_text(), "text/plain")
    fetcher = Fetcher(LOCAL)
    try:
        profile = await load_seed(StoryConfig(id="s", seed=url), fetcher)
        assert profile.title == "Kazakh President says order is restored after suppressing protests"
        assert profile.source_url.startswith("https://abcnews.go.com/")
        empty = site.text("/empty.html", "<html><head><title>T</title></head><body></body></html>")
        with pytest.raises(SeedError, match=r"story 's': cannot read seed .*no article text"):
            await load_seed(StoryConfig(id="s", seed=empty), fetcher)
    finally:
        await fetcher.close()


async def test_facts_of_a_plain_text_url(
    site: LocalSite,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # no configuration: the defaults

    async def wire(request: web.Request) -> web.Response:
        return web.Response(text="Police said 12 civilians were killed.", content_type="text/plain")

    url = site.route("/wire", wire)
    assert await facts_cli.facts(url, True, True, None) == 0
    found = json.loads(capsys.readouterr().out)
    assert [(f["kind"], f["subject"], f["value"]) for f in found] == [("killed", "civilians", 12)]
