"""Article metadata: title, canonical URL, byline, published/modified times, language.

Sources, most reliable first: JSON-LD (``NewsArticle``/``Article``/… also inside
``@graph``), ``<meta>`` tags (OpenGraph and ``article:*``, parsely, sailthru, Dublin Core,
schema.org ``itemprop``), then ``<time datetime>`` and the date in the URL. The meta keys are
data (:data:`PUBLISHED_META` …), so a new CMS convention is a one-line change. Everything is
collected with one query over the whole page (each query is a walk over every element), and
the whole page it must be: an element a parser cannot keep in ``<head>`` moves every later
``<meta>`` into ``<body>``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawler.core.extract.dates import parse_date, url_date
from crawler.core.text import normalize_space

TITLE_META = ("og:title", "twitter:title", "parsely-title", "sailthru.title", "dc.title", "title")
PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "article:published",
    "datepublished", "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued",
    "dc.date", "dcterms.date", "dcterms.created", "pubdate", "publishdate", "publish-date",
    "pub_date", "published_at", "published", "article.published", "article_date_original",
    "pdate", "date", "datecreated", "article.created",
)  # fmt: skip
MODIFIED_META = (
    "article:modified_time", "og:article:modified_time", "article:modified", "og:updated_time",
    "datemodified", "dcterms.modified", "dc.date.modified", "lastmod", "last-modified",
    "article.updated", "article_date_updated", "updated-date",
)  # fmt: skip
AUTHOR_META = (
    "author", "article:author", "og:article:author", "parsely-author", "sailthru.author",
    "dc.creator", "dcterms.creator", "byl", "article_author",
)  # fmt: skip
LANGUAGE_META = ("inlanguage", "content-language", "dc.language", "language", "og:locale")
MARKUP = (
    'meta[content], link[rel~="canonical"], script[type="application/ld+json"], '
    'time[datetime], [itemprop="author"], [rel~="author"]'
)
MAX_BYLINE_CHARS = 100

ARTICLE_TYPES = frozenset(
    {
        "newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
        "liveblogposting", "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle",
        "scholarlyarticle", "techarticle", "report", "socialmediaposting", "webpage",
    }
)  # fmt: skip
_BY = re.compile(r"^\s*(?:by|por|di|von|par|от|автор)\s*:?\s+", re.IGNORECASE)
LD_MAX_DEPTH = 4


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str = ""
    canonical_url: str = ""
    byline: str = ""
    published: datetime | None = None
    modified: datetime | None = None
    language: str = ""


def read_metadata(tree: LexborHTMLParser, url: str) -> Metadata:
    """Collect the page's metadata (see the module docstring for the order of sources)."""
    page = _Markup(tree)
    meta = page.meta
    ld = _json_ld_article(page.scripts)
    published = (
        parse_date(_ld_str(ld, "datePublished"))
        or _first_date(meta, PUBLISHED_META)
        or page.time()
        or url_date(url)
    )
    modified = parse_date(_ld_str(ld, "dateModified")) or _first_date(meta, MODIFIED_META)
    return Metadata(
        title=_title(tree, meta, ld),
        canonical_url=page.canonical or meta.get("og:url", "").strip(),
        byline=_ld_author(ld) or _meta_author(meta) or page.author(),
        published=published,
        modified=modified,
        language=_language(tree, meta, ld),
    )


class _Markup:
    """The page's metadata elements, sorted by kind, from one query (:data:`MARKUP`)."""

    def __init__(self, tree: LexborHTMLParser) -> None:
        self.meta: dict[str, str] = {}  # lower-cased key -> content of its first <meta>
        self.canonical = ""
        self.scripts: list[LexborNode] = []
        self.times: list[LexborNode] = []
        self.authors: list[LexborNode] = []
        for node in tree.css(MARKUP):
            self._sort(node, node.tag, node.attributes)

    def _sort(self, node: LexborNode, tag: str | None, attrs: dict[str, str | None]) -> None:
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
            key = key or attrs.get("http-equiv")
            if key:
                self.meta.setdefault(key.lower(), attrs.get("content") or "")
        elif tag == "script":
            self.scripts.append(node)
        elif tag == "time":
            self.times.append(node)
        elif tag == "link" and not self.canonical and "canonical" in _rel(attrs):
            self.canonical = (attrs.get("href") or "").strip()
        if attrs.get("itemprop") == "author" or "author" in _rel(attrs):
            self.authors.append(node)

    def time(self) -> datetime | None:
        for node in self.times:
            found = parse_date(node.attributes.get("datetime"))
            if found:
                return found
        return None

    def author(self) -> str:
        for node in self.authors:
            named = node.css_first('[itemprop="name"]') or node
            text = _BY.sub("", normalize_space(named.text(separator=" ")))
            if 0 < len(text) <= MAX_BYLINE_CHARS:
                return text
        return ""


def _rel(attrs: dict[str, str | None]) -> list[str]:
    return (attrs.get("rel") or "").lower().split()


def _first(meta: dict[str, str], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = normalize_space(meta.get(key, ""))
        if value:
            return value
    return ""


def _first_date(meta: dict[str, str], keys: tuple[str, ...]) -> datetime | None:
    for key in keys:
        found = parse_date(meta.get(key))
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


def _language(tree: LexborHTMLParser, meta: dict[str, str], ld: dict[str, Any]) -> str:
    root = tree.root
    lang = (root.attributes.get("lang") or "") if root is not None else ""
    lang = lang or _ld_str(ld, "inLanguage") or _first(meta, LANGUAGE_META)
    return lang.replace("_", "-").split("-")[0].split(",")[0].lower().strip()


def _meta_author(meta: dict[str, str]) -> str:
    for key in AUTHOR_META:
        value = normalize_space(meta.get(key, ""))
        if value and not value.startswith(("http://", "https://", "@")):
            return _BY.sub("", value)
    return ""


def _json_ld_article(scripts: list[LexborNode]) -> dict[str, Any]:
    for node in scripts:
        for item in _ld_items(_load_json(node)):
            types = item.get("@type")
            names = types if isinstance(types, list) else [types]
            if any(isinstance(t, str) and t.lower() in ARTICLE_TYPES for t in names):
                return item
    return {}


def _load_json(node: LexborNode) -> Any:
    try:
        return json.loads(node.text(deep=True) or "null", strict=False)
    except (ValueError, RecursionError):  # broken or absurdly nested JSON: no metadata
        return None


def _ld_items(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Objects of a JSON-LD document: top level, lists and ``@graph`` (a few levels deep)."""
    if depth > LD_MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from _ld_items(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _ld_items(graph, depth + 1)


def _ld_str(ld: dict[str, Any], key: str) -> str:
    value = ld.get(key)
    if isinstance(value, list) and value:
        value = value[0]
    return normalize_space(value) if isinstance(value, str) else ""


def _ld_author(ld: dict[str, Any]) -> str:
    author = ld.get("author") or ld.get("creator")
    people = author if isinstance(author, list) else [author]
    names = []
    for person in people:
        if isinstance(person, dict) and isinstance(person.get("name"), str):
            names.append(person["name"])
        elif isinstance(person, str) and not person.startswith(("http://", "https://")):
            names.append(person)
    return normalize_space(", ".join(n for n in names if n.strip()))
