"""Article metadata: title, canonical URL, byline, published/modified times, language.

Sources, most reliable first: JSON-LD (``NewsArticle``/``Article``/… also inside
``@graph``), ``<meta>`` tags (OpenGraph and ``article:*``, parsely, sailthru, Dublin Core,
schema.org ``itemprop``), then ``<time datetime>`` and the date in the URL. The meta keys are
data (:data:`PUBLISHED_META` …), so a new CMS convention is a one-line change. Only ``<head>``
is searched first; the body only when the head lacks something, which keeps this cheap.
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
# One query (each query costs a walk over the page): the first match in document order.
AUTHOR_SELECTOR = '[itemprop="author"], [rel="author"]'

TIME_SELECTOR = "time[datetime]"
ARTICLE_TYPES = frozenset(
    {
        "newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
        "liveblogposting", "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle",
        "scholarlyarticle", "techarticle", "report", "socialmediaposting", "webpage",
    }
)  # fmt: skip
_BY = re.compile(r"^\s*(?:by|por|di|von|par|от|автор)\s*:?\s+", re.IGNORECASE)
_LD = 'script[type="application/ld+json"]'
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
    head = tree.head
    scope: LexborHTMLParser | LexborNode = tree if head is None else head
    meta = _meta_map(scope) or _meta_map(tree)
    ld = _json_ld_article(scope)
    if not ld and scope is head and not _complete(meta):
        ld = _json_ld_article(tree)  # JSON-LD in the body: looked for only when needed
    published = (
        parse_date(_ld_str(ld, "datePublished"))
        or _first_date(meta, PUBLISHED_META)
        or _time_tag(tree)
        or url_date(url)
    )
    modified = parse_date(_ld_str(ld, "dateModified")) or _first_date(meta, MODIFIED_META)
    return Metadata(
        title=_title(tree, meta, ld),
        canonical_url=_canonical(scope, meta),
        byline=_ld_author(ld) or _meta_author(meta) or _page_author(tree),
        published=published,
        modified=modified,
        language=_language(tree, meta, ld),
    )


def _complete(meta: dict[str, str]) -> bool:
    """True when the meta tags already give a title, a publication date and an author."""
    return bool(
        _first(meta, TITLE_META) and _first_date(meta, PUBLISHED_META) and _meta_author(meta)
    )


def _meta_map(scope: LexborHTMLParser | LexborNode) -> dict[str, str]:
    """``{lower-cased key: content}`` of the first ``<meta>`` per key (values not normalised)."""
    out: dict[str, str] = {}
    for node in scope.css("meta[content]"):
        attrs = node.attributes
        key = (
            attrs.get("property")
            or attrs.get("name")
            or attrs.get("itemprop")
            or attrs.get("http-equiv")
        )
        if key:
            out.setdefault(key.lower(), attrs.get("content") or "")
    return out


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


def _canonical(scope: LexborHTMLParser | LexborNode, meta: dict[str, str]) -> str:
    for node in scope.css("link[rel]"):
        if "canonical" in (node.attributes.get("rel") or "").lower().split():
            href = (node.attributes.get("href") or "").strip()
            if href:
                return href
    return meta.get("og:url", "").strip()


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


def _page_author(tree: LexborHTMLParser) -> str:
    node = tree.css_first(AUTHOR_SELECTOR)
    if node is None:
        return ""
    named = node.css_first('[itemprop="name"]') or node
    text = normalize_space(named.text(separator=" "))
    return _BY.sub("", text) if 0 < len(text) <= 100 else ""


def _time_tag(tree: LexborHTMLParser) -> datetime | None:
    for node in tree.css(TIME_SELECTOR):
        found = parse_date(node.attributes.get("datetime"))
        if found:
            return found
    return None


def _json_ld_article(scope: LexborHTMLParser | LexborNode) -> dict[str, Any]:
    for node in scope.css(_LD):
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
