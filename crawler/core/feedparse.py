"""Feed bytes → :class:`~crawler.models.FeedEntry` list (pure; the bytes come from our fetcher).

feedparser never fetches here: it only parses bytes we downloaded ourselves (so timeouts, size
caps and the address guard apply). Sanitising and relative-URI resolution are off — newswatch
reads only titles, links, summaries and dates, and those options cost ~35 % of parse time.
"""

from __future__ import annotations

import calendar
import html
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from crawler.core.text import normalize_space
from crawler.errors import FeedError
from crawler.models import FeedEntry

_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    entries: tuple[FeedEntry, ...]
    ttl_seconds: float | None = None
    problem: str = ""  # feedparser's complaint when it had to recover from malformed input


def parse_feed(body: bytes, feed_url: str, headers: Mapping[str, str] | None = None) -> ParsedFeed:
    """Parse a feed document. Raises :class:`FeedError` when nothing usable is in it."""
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
    entries = tuple(e for raw in parsed.entries if (e := _entry(raw, feed_url)) is not None)
    if not entries and problem and not parsed.feed:
        raise FeedError(f"not a feed ({problem}) at {feed_url}")
    feed: Any = parsed.feed
    return ParsedFeed(
        title=normalize_space(str(feed.get("title", ""))),
        entries=entries,
        ttl_seconds=_ttl(feed),
        problem=problem,
    )


def _entry(raw: Any, feed_url: str) -> FeedEntry | None:
    link = str(raw.get("link") or "")
    entry_id = str(raw.get("id") or "")
    if not link and entry_id.startswith(("http://", "https://")):
        link = entry_id
    if not link:
        return None
    link = urljoin(feed_url, link.strip())
    if not link.startswith(("http://", "https://")):
        return None
    return FeedEntry(
        feed_url=feed_url,
        link=link,
        entry_id=entry_id or link,
        title=normalize_space(str(raw.get("title") or "")),
        summary=_plain(str(raw.get("summary") or ""))[:2000],
        published=_time(raw.get("published_parsed")),
        updated=_time(raw.get("updated_parsed")),
    )


def _plain(markup: str) -> str:
    return normalize_space(html.unescape(_TAG.sub(" ", markup)))


def _time(value: time.struct_time | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _ttl(feed: Any) -> float | None:
    try:
        minutes = int(str(feed.get("ttl", "")).strip())
    except ValueError:
        return None
    return minutes * 60.0 if minutes > 0 else None
