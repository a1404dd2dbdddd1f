"""Bytes → text for HTML: BOM, declared charset, ``<meta charset>``, UTF-8, then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Among detections that read a page equally well, the web's own fallback wins (WHATWG).
PREFERRED_GUESS = "cp1252"
GUESS_TOLERANCE = 0.01
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")
# How far into the page a <meta charset> is looked for (WHATWG says 1024 bytes; real pages
# often put it after a long run of other <meta> tags).
META_SCAN_BYTES = 8192
CHECK_CHUNK = 16_384
# Text codecs Python has that no browser reads pages in.
NOT_CHARSETS = frozenset(
    {"idna", "punycode", "undefined", "utf-7", "unicode-escape", "raw-unicode-escape", "mbcs"}
)
# charset-normalizer looks at this much of a page whose charset nobody declared.
DETECT_BYTES = 200_000


def sniff_charset(body: bytes, declared: str | None = None) -> tuple[str, int]:
    """Return ``(python codec name, length of a byte-order mark to skip)`` for ``body``.

    Order: BOM (it cannot lie), the HTTP header's charset, ``<meta charset>`` in the first
    8 KB, UTF-8 (a page that decodes strictly as UTF-8 is UTF-8), then charset-normalizer's
    detection (windows-1252 when it reads the page as well as the best guess), then UTF-8
    with replacement characters. A declared charset that fails to
    decode strictly is skipped, so a page served as UTF-8 but written in windows-1251 still
    reads correctly.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, len(bom)
    candidates = [declared] if declared else []
    match = _META_CHARSET.search(body[:META_SCAN_BYTES])
    if match:
        candidates.append(match.group(1).decode("ascii", "ignore"))
    candidates.append("utf-8")
    for name in candidates:
        codec = _codec(name)
        if codec is not None and _decodes(body, codec):
            return codec, 0
    return _codec(_detect(body[:DETECT_BYTES]) or "utf-8") or "utf-8", 0


def _detect(sample: bytes) -> str | None:
    """charset-normalizer's best guess; windows-1252 when it reads the page as well.

    Short Latin-script texts decode without "mess" in several code pages (cp1250, cp1258,
    cp1252 …) that differ in a few letters; windows-1252 is by far the most common of them.
    """
    results = from_bytes(sample)
    best = results.best()
    if best is None:
        return None
    for match in results:
        readings = match.could_be_from_charset or [match.encoding]
        if match.chaos <= best.chaos + GUESS_TOLERANCE and PREFERRED_GUESS in readings:
            return PREFERRED_GUESS
    return best.encoding


def decode_html(body: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return ``(text, charset used)``; see :func:`sniff_charset` for the order of evidence."""
    codec, skip = sniff_charset(body, declared)
    return body[skip:].decode(codec, errors="replace"), codec


def _decodes(body: bytes, codec: str) -> bool:
    """True when ``body`` is valid in ``codec`` (checked in chunks: no page-sized string)."""
    try:
        decoder = codecs.getincrementaldecoder(codec)(errors="strict")
        view = memoryview(body)
        for start in range(0, len(body), CHECK_CHUNK):
            decoder.decode(view[start : start + CHECK_CHUNK], False)
        decoder.decode(b"", True)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _codec(name: str) -> str | None:
    """Python's codec for a charset label; None for unknown labels and non-text codecs."""
    label = name.strip().lower()
    # WHATWG: labels that mean windows-1252 in browsers
    if label in ("iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii", "iso8859-1"):
        return "cp1252"
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    # base64, rot13, zlib … are codecs but not charsets: a page cannot choose them
    if not getattr(info, "_is_text_encoding", True) or info.name in NOT_CHARSETS:
        return None
    return str(info.name)


def looks_binary(text: str) -> bool:
    """True when decoded text is mostly control characters (a binary file served as HTML)."""
    sample = text[:2048]
    if not sample:
        return False
    return len(_CONTROL.findall(sample)) / len(sample) > 0.1
