"""HTML page → :class:`~crawler.models.Article` (pure: no I/O).

``extract_article(html, url)`` runs the cascade:

0. **decode** — raw bytes: BOM, declared charset, ``<meta charset>``, UTF-8, detection
   (:mod:`.charset`); UTF-8 bytes go to the parser as they are;
1. **parse** — selectolax's lexbor parser, after a byte-level estimate of the page's nesting
   (:mod:`.nesting`) has refused pages that would take the parser seconds;
2. **metadata** — title, canonical URL, byline, times, language (:mod:`.metadata`);
3. **body** — prune, find the container, walk it into paragraphs (:mod:`.body`).

Selectors and vocabularies are data in :mod:`.patterns`.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from crawler.core.extract.body import extract_body
from crawler.core.extract.charset import decode_html, looks_binary, sniff_charset
from crawler.core.extract.dates import parse_date, url_date
from crawler.core.extract.metadata import Metadata, read_metadata
from crawler.core.extract.nesting import check_nesting
from crawler.errors import ExtractError
from crawler.models import Article

__all__ = [
    "Metadata",
    "decode_html",
    "extract_article",
    "parse_date",
    "read_metadata",
    "sniff_charset",
    "url_date",
]


SAMPLE_BYTES = 2048  # looked at for control characters (binary content)
MARKUP_SCAN = 65_536  # a document with no tag in this much of it is not HTML
_TAG_TEXT = re.compile(r"<[A-Za-z!/?]")
_TAG_BYTES = re.compile(rb"<[A-Za-z!/?]")


def extract_article(html: str | bytes, url: str = "", charset: str | None = None) -> Article:
    """Extract title, body text (one paragraph per line) and metadata from ``html``.

    ``html`` is text, or the raw bytes of a response (then ``charset`` is the charset its
    ``Content-Type`` declared, if any). Raises :class:`ExtractError` for an empty document,
    for binary content, for text without any markup (JSON, plain text: not a web page), for
    a page nested too deeply to parse in reasonable time (:mod:`.nesting`) and for a page
    with neither text nor title.
    """
    tree = _parse(html, url, charset)
    meta = read_metadata(tree, url)
    text = extract_body(tree, meta.title)
    if not text and not meta.title:
        raise ExtractError(f"no article text or title found{_at(url)}")
    return Article(
        url=url,
        title=meta.title,
        text=text,
        canonical_url=meta.canonical_url,
        byline=meta.byline,
        published=meta.published,
        modified=meta.modified,
        language=meta.language,
    )


def _parse(html: str | bytes, url: str, charset: str | None) -> LexborHTMLParser:
    source: str | bytes = html
    if isinstance(html, bytes):
        codec, skip = sniff_charset(html, charset)
        if codec == "utf-8":
            source = html[skip:] if skip else html
            sample = source[:SAMPLE_BYTES].decode("utf-8", errors="replace")
        else:
            source = sample = html[skip:].decode(codec, errors="replace")
    else:
        sample = html
    if not source or source.isspace():
        raise ExtractError(f"empty document{_at(url)}")
    if looks_binary(sample):
        raise ExtractError(f"not an HTML document (binary content){_at(url)}")
    markup = (
        _TAG_BYTES.search(source, 0, MARKUP_SCAN)
        if isinstance(source, bytes)
        else _TAG_TEXT.search(source, 0, MARKUP_SCAN)
    )
    if markup is None:
        raise ExtractError(f"not an HTML document (no markup){_at(url)}")
    check_nesting(source, url)
    return LexborHTMLParser(source)


def _at(url: str) -> str:
    return f" at {url}" if url else ""
