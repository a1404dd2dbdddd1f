"""Feed bytes → :class:`~crawler.models.FeedEntry` list (pure; the bytes come from our fetcher).

Two parsers, one result: :mod:`crawler.core.feedfast` (lxml / json, ~1 ms for 50 items) reads
well-formed feeds; everything it declines goes to feedparser (~45–70 ms), which recovers from
malformed XML, wrong charsets and old formats. Both feed the same conversion below, so an entry
is the same whichever parser read it (tests/test_feeds.py checks this on real feeds).

feedparser never fetches here: it only parses bytes we downloaded ourselves (so timeouts, size
caps and the address guard apply). Sanitising and relative-URI resolution are off — newswatch
reads only titles, links, summaries and dates, and those options cost ~35 % of parse time.
Titles and summaries are plain text (markup stripped, entities decoded).

Links are resolved against the feed's URL and kept only when they can be followed: http(s),
a host, a valid port, well-formed IPv6 (:func:`crawler.core.urls.followable`). Any other
entry link (``javascript:``, ``http://example.com:99999/``, ``http://[::1``) drops that entry
alone; the dropped links are listed in :attr:`ParsedFeed.rejected` for the caller to log.
"""

from __future__ import annotations

import calendar
import functools
import html
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from crawler.core.feedfast import RawEntry, parse_fast
from crawler.core.text import normalize_space
from crawler.core.urls import followable
from crawler.errors import FeedError
from crawler.models import FeedEntry

_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    entries: tuple[FeedEntry, ...]
    ttl_seconds: float | None = None
    problem: str = ""  # feedparser's complaint when it had to recover from malformed input
    parser: str = "fast"  # "fast" (lxml/json) or "feedparser"
    rejected: tuple[str, ...] = ()  # entry links that cannot be followed (their entries dropped)


def parse_feed(
    body: bytes,
    feed_url: str,
    headers: Mapping[str, str] | None = None,
    fast: bool = True,
) -> ParsedFeed:
    """Parse a feed document: the fast path when it can, else feedparser.

    Raises :class:`FeedError` when nothing usable is in it.
    """
    if fast:
        raw = parse_fast(body, feed_url, _charset(headers))
        if raw is not None:
            entries, rejected = _entries((_fast_fields(e) for e in raw.entries), feed_url)
            return ParsedFeed(
                title=normalize_space(raw.title),
                entries=entries,
                ttl_seconds=_minutes(raw.ttl),
                rejected=rejected,
            )
    return parse_with_feedparser(body, feed_url, headers)


def parse_with_feedparser(
    body: bytes, feed_url: str, headers: Mapping[str, str] | None = None
) -> ParsedFeed:
    """feedparser alone (the fallback, and the reference the fast path is tested against)."""
    try:
        parsed = feedparser.parse(
            body,
            response_headers=dict(headers or {}),
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # feedparser raises assorted internals on hostile input
        raise FeedError(f"feed parser failed on {feed_url}: {exc!r}") from exc
    problem = repr(parsed.get("bozo_exception")) if parsed.get("bozo") else ""
    entries, rejected = _entries((_feedparser_fields(raw) for raw in parsed.entries), feed_url)
    if not entries and problem and not parsed.feed:
        raise FeedError(f"not a feed ({problem}) at {feed_url}")
    feed: Any = parsed.feed
    return ParsedFeed(
        title=normalize_space(str(feed.get("title", ""))),
        entries=entries,
        ttl_seconds=_minutes(str(feed.get("ttl", ""))),
        problem=problem,
        parser="feedparser",
        rejected=rejected,
    )


# (title, link, id, summary, published, updated) as feedparser names them
_Fields = tuple[str, str, str, str, datetime | None, datetime | None]


def _fast_fields(raw: RawEntry) -> _Fields:
    return (
        raw.title,
        raw.link,
        raw.id,
        raw.summary or raw.content,
        raw.published,
        raw.updated or raw.published,  # feedparser's ``updated`` falls back to ``published``
    )


def _feedparser_fields(raw: Any) -> _Fields:
    return (
        str(raw.get("title") or ""),
        str(raw.get("link") or ""),
        str(raw.get("id") or ""),
        str(raw.get("summary") or ""),
        _time(raw.get("published_parsed")),
        # ``in`` first: feedparser's own updated → published fallback is deprecated
        _time(raw["updated_parsed"] if "updated_parsed" in raw else raw.get("published_parsed")),
    )


def _entries(
    rows: Iterable[_Fields], feed_url: str
) -> tuple[tuple[FeedEntry, ...], tuple[str, ...]]:
    """The entries with a followable link, and the links that are not."""
    entries: list[FeedEntry] = []
    rejected: list[str] = []
    for row in rows:
        entry = _entry(row, feed_url)
        if isinstance(entry, str):
            rejected.append(entry)
        elif entry is not None:
            entries.append(entry)
    return tuple(entries), tuple(rejected)


def _entry(row: _Fields, feed_url: str) -> FeedEntry | str | None:
    """The entry; the raw link when it cannot be followed; None when there is no link."""
    title, link, entry_id, summary, published, updated = row
    if not link and entry_id.startswith(("http://", "https://")):
        link = entry_id
    if not link:
        return None
    resolved = absolute_link(feed_url, link)
    if not resolved:
        return link[:300]
    link = resolved
    return FeedEntry(
        feed_url=feed_url,
        link=link,
        entry_id=entry_id or link,
        title=plain(title),
        summary=plain(summary)[:2000],
        published=published,
        updated=updated,
    )


@functools.lru_cache(maxsize=131072)  # feeds repeat their links on every poll (2,000 × 50)
def absolute_link(feed_url: str, link: str) -> str:
    """``link`` resolved against the feed's URL; "" unless it can be followed (see the module
    docstring)."""
    try:
        url = urljoin(feed_url, link.strip())
    except ValueError:  # e.g. "Invalid IPv6 URL": not a link we can follow
        return ""
    return url if followable(url) else ""


def _charset(headers: Mapping[str, str] | None) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == "content-type":
            for part in value.split(";")[1:]:
                name, _, charset = part.partition("=")
                if name.strip().lower() == "charset" and charset.strip():
                    return charset.strip()
    return None


def plain(markup: str) -> str:
    """Markup stripped, entities decoded, whitespace collapsed."""
    return normalize_space(html.unescape(_TAG.sub(" ", markup)))


def _time(value: time.struct_time | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _minutes(ttl: str) -> float | None:
    """RSS ``<ttl>`` (minutes) in seconds."""
    try:
        minutes = int(ttl.strip())
    except ValueError:
        return None
    return minutes * 60.0 if minutes > 0 else None
