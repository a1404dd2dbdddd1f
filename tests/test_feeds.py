"""Feed parsing on real-world feeds: the fast path equals feedparser, expectations hold.

Data: ``../shared/data/feeds`` (miniflux, feed-rs, diffengine test feeds; feedparser's
conformance suite). Tests skip with the reason when it is absent.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from crawler.core.feedparse import ParsedFeed, parse_feed, parse_with_feedparser, plain
from crawler.errors import FeedError
from tests.conftest import shared_path

FEED_URL = "https://feeds.example.com/news/feed.xml"
REAL = ("miniflux", "diffengine", "feed-rs")


def _real_feeds() -> list[Path]:
    root = shared_path("data", "feeds")
    files = [p for d in REAL for p in sorted((root / d).rglob("*")) if p.is_file()]
    return [p for p in files if not p.name.endswith(".serde.json")]


def _key(parsed: ParsedFeed) -> list[tuple[object, ...]]:
    return [(e.title, e.link, e.entry_id, e.published, e.updated) for e in parsed.entries]


def test_fast_path_reads_real_feeds_exactly_like_feedparser() -> None:
    """Titles, links, ids and dates are equal whichever parser reads a feed.

    One known, deliberate difference: a date feedparser cannot read (an Italian day name in
    Il Messaggero's RFC 822 ``pubDate``) is read by the fast path; it is checked to be right.
    """
    fast = fallback = 0
    for path in _real_feeds():
        body = path.read_bytes()
        if path.suffix == ".json":
            continue  # feedparser 6 does not read JSON Feed; see test_feed_rs_expectations
        try:
            reference = parse_with_feedparser(body, FEED_URL)
        except FeedError:
            with pytest.raises(FeedError):
                parse_feed(body, FEED_URL)
            continue
        parsed = parse_feed(body, FEED_URL)
        if parsed.parser != "fast":
            fallback += 1
            assert _key(parsed) == _key(reference), path.name
            continue
        fast += 1
        ours, theirs = _key(parsed), _key(reference)
        assert len(ours) == len(theirs), path.name
        for mine, ref in zip(ours, theirs, strict=True):
            if path.name == "rss_2.0_ilmessaggero.xml" and ref[3] is None:
                # pubDate "mer, 16 nov 2022 00:38:15 +0100"
                when = datetime(2022, 11, 15, 23, 38, 15, tzinfo=UTC)
                assert mine == (*ref[:3], when, when)
                continue
            assert mine == ref, path.name
    assert fast >= 4 * fallback, f"fast path took only {fast} of {fast + fallback} real feeds"


@pytest.mark.parametrize(
    ("name", "count", "needle"),
    [
        ("encoding_ISO-8859-1.xml", 40, "ü"),  # Golem.de, declared ISO-8859-1
        ("encoding_WINDOWS-1251.xml", 50, "в"),  # Russian, declared windows-1251
        # Latin-1 bytes without a declaration; of its 10 items one has an empty <link>, no guid
        ("no_encoding_ISO-8859-1.xml", 9, "très"),
        ("rdf_UTF8.xml", 60, "heise"),  # RDF (RSS 1.0)
        ("urdu_UTF8.xml", 26, "پاکستان"),
        ("large_rss.xml", 25, ""),
        ("large_atom.xml", 25, ""),
        ("small_atom.xml", 20, ""),
    ],
)
def test_miniflux_feeds_decode_and_yield_every_entry(name: str, count: int, needle: str) -> None:
    body = shared_path("data", "feeds", "miniflux", name).read_bytes()
    parsed = parse_feed(body, FEED_URL)
    assert len(parsed.entries) == count
    text = " ".join(f"{e.title} {e.link} {e.summary}" for e in parsed.entries)
    assert needle.lower() in text.lower()
    assert "\ufffd" not in text and "Ã" not in text  # no mojibake
    assert all(e.title and e.link.startswith(("http://", "https://")) for e in parsed.entries)


@pytest.mark.parametrize("name", ["feed1.xml", "feed2.xml"])
def test_diffengine_washington_post_feeds(name: str) -> None:
    body = shared_path("data", "feeds", "diffengine", name).read_bytes()
    parsed = parse_feed(body, FEED_URL)
    assert parsed.parser == "fast" and len(parsed.entries) == {"feed1.xml": 20}.get(name, 24)
    assert parsed.title in ("National", "Politics")
    for entry in parsed.entries:  # CDATA titles, no dates in these feeds
        assert entry.title and entry.link.startswith("https://www.washingtonpost.com/")
    assert len({e.link for e in parsed.entries}) == len(parsed.entries)


def _expected(serde: Path) -> list[tuple[str, str]]:
    """(title, link) of each entry feed-rs found, where it found a link."""
    data = json.loads(serde.read_text(encoding="utf-8"))
    rows = []
    for entry in data.get("entries", []):
        links = [link["href"] for link in entry.get("links", []) if link.get("href")]
        title = plain((entry.get("title") or {}).get("content", ""))
        if links:
            rows.append((title, links[0]))
    return rows


def _absolute(link: str) -> str:
    """The link as a URL, compared the way URLs are equal (feed-rs lower-cases the host and
    writes "https://host/" for "https://host")."""
    parts = urlsplit(urljoin(FEED_URL, link))
    return parts._replace(netloc=parts.netloc.lower(), path=parts.path or "/").geturl()


def test_feed_rs_expectations() -> None:
    root = shared_path("data", "feeds", "feed-rs")
    checked = 0
    for serde in sorted(root.rglob("*.serde.json")):
        stem = serde.name.removesuffix(".serde.json")
        source = next(p for p in serde.parent.iterdir() if p.stem == stem and p != serde)
        parsed = parse_feed(source.read_bytes(), FEED_URL)
        got = {(e.title, _absolute(e.link)) for e in parsed.entries}
        for title, link in _expected(serde):
            absolute = _absolute(link)
            if not absolute.startswith(("http://", "https://")):
                continue
            assert (title, absolute) in got, f"{source.name}: {(title, absolute)} not in {got}"
            checked += 1
    assert checked >= 70


def test_feedparser_conformance_suite_never_crashes() -> None:
    root = shared_path("data", "feeds", "feedparser-conformance")
    files = sorted(p for p in root.rglob("*") if p.is_file())
    assert len(files) >= 2000
    outcomes = {"parsed": 0, "refused": 0}
    for path in files:
        try:
            parse_feed(path.read_bytes(), FEED_URL)
            outcomes["parsed"] += 1
        except FeedError:
            outcomes["refused"] += 1
    assert outcomes["parsed"] > 1500, outcomes
