"""Bytes → text for HTML: declared charset, BOM, ``<meta charset>``, then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_html(body: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return ``(text, charset used)``.

    Order: BOM (it cannot lie), the HTTP header's charset, ``<meta charset>`` in the first
    4 KB, then charset-normalizer's detection, then UTF-8 with replacement characters. A
    declared charset that fails to decode strictly is skipped, so a page served as UTF-8 but
    written in windows-1251 still reads correctly.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, errors="replace"), name
    candidates = [declared] if declared else []
    match = _META_CHARSET.search(body[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii", "ignore"))
    for name in candidates:
        text = _strict(body, name)
        if text is not None:
            return text, _normal_name(name)
    guess = from_bytes(body[:200_000]).best()
    if guess is not None and guess.encoding:
        return body.decode(guess.encoding, errors="replace"), guess.encoding
    return body.decode("utf-8", errors="replace"), "utf-8"


def _strict(body: bytes, name: str) -> str | None:
    try:
        return body.decode(_normal_name(name), errors="strict")
    except (LookupError, UnicodeDecodeError):
        return None


def _normal_name(name: str) -> str:
    name = name.strip().lower()
    # WHATWG: labels that mean windows-1252 in browsers
    return "cp1252" if name in ("iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii") else name


def looks_binary(text: str) -> bool:
    """True when decoded text is mostly control characters (a binary file served as HTML)."""
    sample = text[:2048]
    if not sample:
        return False
    control = sum(1 for ch in sample if (ch < " " and ch not in "\t\n\r\f") or ch == "\ufffd")
    return control / len(sample) > 0.1
