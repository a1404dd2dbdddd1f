"""Article metadata from the page head: title, canonical URL, times, byline, language.

Sources are tried in order of reliability; the selectors are data so that adding a CMS
convention is a one-line change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawler.core.text import normalize_space

TITLE_META = ("og:title", "twitter:title", "parsely-title", "sailthru.title", "dc.title")
PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "pubdate",
    "publishdate",
    "date",
    "datepublished",
    "article.published",
)
MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "og:article:modified_time",
    "dcterms.modified",
    "lastmod",
    "datemodified",
    "article.updated",
)
AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator")
ARTICLE_TYPES = frozenset(
    {
        "newsarticle",
        "article",
        "reportagenewsarticle",
        "blogposting",
        "analysisnewsarticle",
        "webpage",
        "liveblogposting",
        "opinionnewsarticle",
        "backgroundnewsarticle",
    }
)
_URL_DATE = re.compile(r"/(20\d\d|19\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|$|-)")


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str = ""
    canonical_url: str = ""
    byline: str = ""
    published: datetime | None = None
    modified: datetime | None = None
    language: str = ""


def read_metadata(tree: LexborHTMLParser, url: str) -> Metadata:
    """Collect metadata: JSON-LD first, then meta tags, then ``<time>``, then the URL."""
    meta = _meta_map(tree)
    ld = _json_ld_article(tree)
    published = (
        parse_date(_ld_str(ld, "datePublished"))
        or _first_date(meta, PUBLISHED_META)
        or _time_tag(tree)
        or _url_date(url)
    )
    return Metadata(
        title=_title(tree, meta, ld),
        canonical_url=_canonical(tree, meta),
        byline=_ld_author(ld) or _first(meta, AUTHOR_META),
        published=published,
        modified=parse_date(_ld_str(ld, "dateModified")) or _first_date(meta, MODIFIED_META),
        language=_language(tree, meta, ld),
    )


def _meta_map(tree: LexborHTMLParser) -> dict[str, str]:
    out: dict[str, str] = {}
    for node in tree.css("meta"):
        attrs = node.attributes
        key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
        value = attrs.get("content")
        if key and value and key.lower() not in out:
            out[key.lower()] = normalize_space(value)
    return out


def _first(meta: dict[str, str], keys: tuple[str, ...]) -> str:
    return next((meta[k] for k in keys if meta.get(k)), "")


def _first_date(meta: dict[str, str], keys: tuple[str, ...]) -> datetime | None:
    for key in keys:
        found = parse_date(meta.get(key, ""))
        if found:
            return found
    return None


def _title(tree: LexborHTMLParser, meta: dict[str, str], ld: dict[str, Any]) -> str:
    title = _ld_str(ld, "headline") or _first(meta, TITLE_META)
    if not title:
        h1 = tree.css_first("h1")
        title = h1.text(separator=" ", strip=True) if h1 else ""
    if not title:
        node = tree.css_first("title")
        title = node.text(strip=True) if node else ""
    return normalize_space(title)


def _canonical(tree: LexborHTMLParser, meta: dict[str, str]) -> str:
    for node in tree.css("link[rel]"):
        if "canonical" in (node.attributes.get("rel") or "").lower().split():
            href = (node.attributes.get("href") or "").strip()
            if href:
                return href
    return meta.get("og:url", "")


def _language(tree: LexborHTMLParser, meta: dict[str, str], ld: dict[str, Any]) -> str:
    html = tree.css_first("html")
    lang = (html.attributes.get("lang") or "") if html else ""
    lang = (
        lang or _ld_str(ld, "inLanguage") or meta.get("og:locale", "") or meta.get("language", "")
    )
    return lang.replace("_", "-").split("-")[0].lower().strip()


def _time_tag(tree: LexborHTMLParser) -> datetime | None:
    for node in tree.css("time[datetime]"):
        found = parse_date(node.attributes.get("datetime") or "")
        if found:
            return found
    return None


def _url_date(url: str) -> datetime | None:
    match = _URL_DATE.search(url)
    if not match:
        return None
    try:
        return datetime(int(match[1]), int(match[2]), int(match[3]), tzinfo=UTC)
    except ValueError:
        return None


def _json_ld_article(tree: LexborHTMLParser) -> dict[str, Any]:
    for node in tree.css('script[type="application/ld+json"]'):
        for item in _ld_items(_load_json(node)):
            types = item.get("@type")
            names = types if isinstance(types, list) else [types]
            if any(isinstance(t, str) and t.lower() in ARTICLE_TYPES for t in names):
                return item
    return {}


def _load_json(node: LexborNode) -> Any:
    try:
        return json.loads(node.text(deep=True) or "null", strict=False)
    except ValueError:
        return None


def _ld_items(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _ld_items(item)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _ld_items(graph)


def _ld_str(ld: dict[str, Any], key: str) -> str:
    value = ld.get(key)
    if isinstance(value, list) and value:
        value = value[0]
    return normalize_space(value) if isinstance(value, str) else ""


def _ld_author(ld: dict[str, Any]) -> str:
    author = ld.get("author")
    people = author if isinstance(author, list) else [author]
    names = []
    for person in people:
        if isinstance(person, dict) and isinstance(person.get("name"), str):
            names.append(person["name"])
        elif isinstance(person, str):
            names.append(person)
    return normalize_space(", ".join(names))


def parse_date(value: str) -> datetime | None:
    """Parse an ISO-8601-ish date; naive times are taken as UTC. Returns None when unsure."""
    value = (value or "").strip()
    if not value:
        return None
    value = value.replace("Z", "+00:00").replace(" ", "T", 1)
    value = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", value)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
