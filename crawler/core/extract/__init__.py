"""HTML page → :class:`~crawler.models.Article` (pure: no I/O).

``extract_article(html, url)`` runs the cascade: parse (lexbor) → metadata (head) → body
(densest paragraph block). ``decode_html`` turns raw bytes into text first.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from crawler.core.extract.body import extract_body
from crawler.core.extract.charset import decode_html, looks_binary
from crawler.core.extract.metadata import Metadata, parse_date, read_metadata
from crawler.errors import ExtractError
from crawler.models import Article

__all__ = ["Metadata", "decode_html", "extract_article", "parse_date", "read_metadata"]


def extract_article(html: str, url: str = "") -> Article:
    """Extract title, body text (one paragraph per line) and metadata from ``html``."""
    if not html or not html.strip():
        raise ExtractError(f"empty document{_at(url)}")
    if looks_binary(html):
        raise ExtractError(f"not an HTML document (binary content){_at(url)}")
    tree = LexborHTMLParser(html)
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


def _at(url: str) -> str:
    return f" at {url}" if url else ""
