"""What a response must be: Accept headers, content-type checks and sniffing, Retry-After.

* ``html`` (articles, seeds): ``text/html``, XHTML or ``text/plain``; a body whose first bytes
  are an image, archive, PDF or other binary is refused whatever its declared type.
* ``feed``: XML, RSS, Atom, RDF or JSON types; a body served as HTML, plain text or with no
  type at all is accepted only when it starts like a feed (``<?xml``, ``<rss``, ``<feed``,
  ``<rdf:RDF``, JSON), so an HTML page is refused with a clear message.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from crawler.errors import ContentTypeError

ACCEPT = {
    "html": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
    "feed": (
        "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.8,*/*;q=0.5"
    ),
    "any": "*/*",
}
BINARY_MAGIC = (
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"%PDF",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"RIFF",
    b"ID3",
    b"OggS",
    b"7z\xbc\xaf",
    b"Rar!",
    b"BZh",
    b"\xfd7zXZ",
)
FEED_MARKERS = (b"<rss", b"<feed", b"<rdf:rdf", b"<channel")
ALLOWED_TYPES = {
    "html": ("text/html", "application/xhtml", "text/plain"),
    "feed": ("xml", "rss", "atom", "rdf", "json", "text/plain", "text/html"),
    "any": ("",),
}


def check_type(url: str, content_type: str, kind: str) -> str:
    media = content_type.split(";")[0].strip().lower()
    if not media:
        return media  # servers that send none are common; the body is sniffed instead
    if not any(token in media for token in ALLOWED_TYPES[kind]):
        raise ContentTypeError(f"unexpected content type {media!r} for {kind}", url=url)
    return media


def sniff(url: str, body: bytes, media: str, kind: str) -> None:
    """Check the bytes where the declared type proves nothing: binary served as HTML, an HTML
    page served where a feed was expected."""
    head = body[:1024]
    if kind == "html" and looks_binary_bytes(head):
        raise ContentTypeError(f"binary content served as {media or 'untyped'}", url=url)
    if kind == "feed" and (not media or "html" in media or "text/plain" in media):
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if looks_binary_bytes(head) or not (
            start.startswith((b"<?xml", b"{", b"<rss", b"<feed", b"<rdf"))
            or any(marker in start for marker in FEED_MARKERS)
        ):
            raise ContentTypeError(
                f"not a feed: {media or 'untyped'} content without RSS/Atom/JSON markup", url=url
            )


def looks_binary_bytes(head: bytes) -> bool:
    """True for the first bytes of images, archives, PDFs and other non-text files."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text has NUL bytes
    return head.startswith(BINARY_MAGIC) or b"\0" in head


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
