"""Text primitives shared by every pure stage: words, sentences, hashes."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)
_SPACE = re.compile(r"\s+")
# A sentence ends at . ! ? … (optionally followed by a closing quote or bracket) before
# whitespace and an upper-case letter, digit or opening quote; CJK full stops end one anywhere.
_BOUNDARY = re.compile(r"""(?<=[.!?…])["'”’»)\]]?\s+(?=["'“‘«(\[]?[^\W_a-z])|(?<=[。！？])""")
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen col lt sgt capt cmdr adm gov sen rep st mt no vs etc inc ltd co
    corp jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.g i.e jr sr ft approx
    est""".split()
)


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) to one space."""
    return _SPACE.sub(" ", text.replace("\u00a0", " ")).strip()


def words(text: str) -> list[str]:
    """Lower-case ``\\w+`` tokens, accents kept (NFC)."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


def sentences(text: str) -> list[str]:
    """Split text (one paragraph per line) into sentences, keeping common abbreviations whole."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        paragraph = normalize_space(paragraph)
        if not paragraph:
            continue
        start = 0
        for match in _BOUNDARY.finditer(paragraph):
            piece = paragraph[start : match.start()]
            if _ends_with_abbreviation(piece):
                continue
            out.append(piece.strip())
            start = match.end()
        tail = paragraph[start:].strip()
        if tail:
            out.append(tail)
    return [s for s in out if s]


def _ends_with_abbreviation(piece: str) -> bool:
    tail = piece.rstrip("\"'”’»)]").rstrip(".").rsplit(" ", 1)[-1].lower()
    return tail in _ABBREVIATIONS or (len(tail) == 1 and tail.isalpha())


def sentence_key(sentence: str) -> str:
    """What two sentences must share to count as the same sentence (case, punctuation ignored)."""
    return " ".join(words(sentence))


def content_hash(text: str) -> str:
    """Hash of the words of ``text``: whitespace, punctuation and case changes do not move it."""
    return stable_hash(" ".join(words(text)), size=16)


def stable_hash(text: str, size: int = 16) -> str:
    """A hex digest that is the same in every process (unlike the builtin ``hash``)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=size).hexdigest()
