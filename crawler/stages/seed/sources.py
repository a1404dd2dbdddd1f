"""Read a document a user names — a file path, an http(s) URL or ``-`` (standard input) —
decode it and extract its article: the one path behind seeds, ``newswatch facts`` and
``newswatch extract``.

* a URL is fetched through the shared :class:`~crawler.fetch.Fetcher` (address guard, caps,
  robots.txt), or a short-lived one built from a :class:`~crawler.config.CrawlerConfig`;
  ``text/plain`` is read as plain text, anything else as HTML with the charset the server
  declared;
* a file or standard input is HTML when its name ends in ``.html``/``.htm``/``.xhtml`` or its
  first bytes are ``<!doctype html`` or ``<html``, else plain text;
* bytes are decoded as pages are (:func:`crawler.core.extract.decode_html`: BOM, declared or
  ``<meta>`` charset, UTF-8, detection), and extraction runs in a worker thread.

A plain-text document becomes an :class:`~crawler.models.Article` with the whole text as its
body and no title; callers that read titles from plain text (seeds) use ``Document.text``.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path

from crawler.config import CrawlerConfig
from crawler.core.extract import decode_html, extract_article
from crawler.errors import ExtractError
from crawler.fetch import Fetcher, FetchResult
from crawler.models import Article

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
HTML_STARTS = (b"<!doctype html", b"<html")
STDIN = "-"


@dataclass(frozen=True, slots=True)
class Document:
    url: str  # the URL fetched (after redirects); "" for a file or standard input
    html: bool  # an HTML page (``article`` extracted from it) or plain text
    article: Article  # for plain text: the whole text as the body, no title

    @property
    def text(self) -> str:
        return self.article.text


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


async def read_document(
    source: str, fetch: Fetcher | CrawlerConfig, *, html: bool | None = None
) -> Document:
    """Read, decode and extract ``source`` (see the module doc).

    ``fetch``: the fetcher to use for a URL, or the settings to build one for this call.
    ``html``: force HTML (True) or plain text (False) instead of deciding from the source.
    Raises :class:`~crawler.errors.FetchError` for a URL that cannot be fetched and
    :class:`~crawler.errors.ExtractError` for a file that cannot be read or a page that is
    not an article.
    """
    if is_url(source):
        fetched = await _fetch(source, fetch)
        if html is None:
            html = fetched.content_type != "text/plain"
        body, charset = fetched.body, fetched.charset
        return await asyncio.to_thread(parse_document, body, fetched.url, charset, html)
    raw = await asyncio.to_thread(read_bytes, source)
    if html is None:
        html = looks_like_html(raw, source)
    return await asyncio.to_thread(parse_document, raw, "", None, html)


def read_bytes(source: str) -> bytes:
    """The bytes of a file, or of standard input for ``-``."""
    try:
        return sys.stdin.buffer.read() if source == STDIN else Path(source).read_bytes()
    except OSError as exc:
        raise ExtractError(
            f"cannot read {source} ({exc.strerror}); paths are relative to {Path.cwd()}"
        ) from exc


def looks_like_html(raw: bytes, name: str = "") -> bool:
    if name.lower().endswith(HTML_SUFFIXES):
        return True
    return raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].lower().startswith(HTML_STARTS)


def parse_document(raw: bytes, url: str, charset: str | None, html: bool) -> Document:
    """Decode and extract ``raw`` (pure): an HTML page, or plain text."""
    if html:
        return Document(url, True, extract_article(raw, url, charset=charset))
    text, _ = decode_html(raw, charset)
    return Document(url, False, Article(url=url, title="", text=text))


async def _fetch(url: str, fetch: Fetcher | CrawlerConfig) -> FetchResult:
    if isinstance(fetch, Fetcher):
        return await fetch.fetch(url, "html")
    fetcher = Fetcher(fetch)
    try:
        return await fetcher.fetch(url, "html")
    finally:
        await fetcher.close()
