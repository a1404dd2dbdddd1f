"""Sentence sketches (pure): what each sentence of an article's reporting says, hashed.

Copies are judged sentence by sentence as well as by word 3-grams (:mod:`crawler.core.dedup`):
a re-spun copy swaps synonyms and reorders clauses, which breaks most 3-grams but keeps most of
each sentence's content words. A sketch keeps, per sentence, the set of its content-word stems
(stop words dropped, numbers kept) as 32-bit hashes. Direct quotations are left out: two
different reports of one statement quote the same words, so a shared quote is no evidence
that one report copies the other. A quotation is removed from its paragraph before the
paragraph is split into sentences: a quote of several sentences goes whole, and so does a
quote left open at the end of its paragraph (a quotation running on into the next one), so
no fragment of it is compared as reporting. Sentences with fewer than ``MIN_SENTENCE_STEMS``
stems ("He said so.") say too little to match on.

Two sketches are compared with one matrix product (:func:`overlap`): entry (i, j) counts the
stems sentence i of one text shares with sentence j of the other.

Each sentence also yields ``KEYS_PER_SENTENCE`` *sentence keys*: min-wise hashes of its stem
set under fixed salts. Two sentences that share most stems share a key with probability equal
to their Jaccard similarity, so a re-spun copy finds its original through the copy index even
when hardly a 3-gram survived (:mod:`crawler.store.index`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import xxhash

from crawler.core.relevance import STOPWORDS, stem_words
from crawler.core.text import sentences, words

MIN_SENTENCE_STEMS = 4
MAX_SENTENCE_STEMS = 255  # stored as one byte
MAX_SENTENCES = 400
KEYS_PER_SENTENCE = 2
# a quotation: an opening mark (a straight quote after a word or punctuation closes one), at
# least 15 characters of its paragraph, and its closing mark or the paragraph's end
_QUOTE = re.compile(r"(?:[“«„]|(?<![\w.,;:!?’'])\")[^”\"»“\n]{15,}(?:[”\"»]|$)", re.MULTILINE)
_SALTS = (0x5EED0001, 0x5EED0002, 0x5EED0003, 0x5EED0004)[:KEYS_PER_SENTENCE]
Hashes32 = npt.NDArray[np.uint32]


@dataclass(frozen=True, slots=True)
class Sketch:
    hashes: Hashes32  # the sentences' stem hashes, sentence after sentence
    lengths: npt.NDArray[np.uint8]  # stems per sentence

    @property
    def count(self) -> int:
        return len(self.lengths)

    def to_bytes(self) -> bytes:
        head = len(self.lengths).to_bytes(2, "little") + self.lengths.tobytes()
        return head + self.hashes.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Sketch:
        if len(data) < 2:
            return EMPTY
        count = int.from_bytes(data[:2], "little")
        lengths = np.frombuffer(data[2 : 2 + count], dtype=np.uint8)
        hashes = np.frombuffer(data[2 + count :], dtype="<u4").astype(np.uint32)
        return cls(hashes, lengths.copy())

    def incidence(self, columns: npt.NDArray[np.intp], width: int) -> npt.NDArray[np.float32]:
        """Sentence × vocabulary 0/1 matrix; ``columns`` are the hashes' vocabulary indices."""
        matrix = np.zeros((self.count, width), dtype=np.float32)
        rows = np.repeat(np.arange(self.count), self.lengths.astype(np.intp))
        matrix[rows, columns] = 1.0
        return matrix


EMPTY = Sketch(np.empty(0, dtype=np.uint32), np.empty(0, dtype=np.uint8))


def sentence_stems(text: str) -> list[list[str]]:
    """Per sentence (quotations left out), its distinct content-word stems, in order."""
    found: list[list[str]] = []
    for sentence in sentences(_QUOTE.sub(" ", text))[:MAX_SENTENCES]:
        tokens = [
            w
            for w in words(sentence)
            if (len(w) > 2 and w not in STOPWORDS and not w.isdigit()) or (w.isdigit() and w != "0")
        ]
        stems = list(dict.fromkeys(stem_words(tokens)))[:MAX_SENTENCE_STEMS]
        if len(stems) >= MIN_SENTENCE_STEMS:
            found.append(stems)
    return found


def sketch(text: str) -> Sketch:
    """The sketch of ``text`` (its reporting: see :func:`crawler.core.furniture.reporting`)."""
    per_sentence = sentence_stems(text)
    if not per_sentence:
        return EMPTY
    flat = [xxhash.xxh32_intdigest(s.encode()) for stems in per_sentence for s in stems]
    lengths = np.array([len(s) for s in per_sentence], dtype=np.uint8)
    return Sketch(np.array(flat, dtype=np.uint32), lengths)


def sentence_keys(sk: Sketch) -> tuple[bytes, ...]:
    """``KEYS_PER_SENTENCE`` min-wise keys per sentence (8 bytes each: salt index, hash)."""
    if not sk.count:
        return ()
    starts = np.concatenate(([0], np.cumsum(sk.lengths.astype(np.intp))[:-1]))
    keys: set[bytes] = set()
    for number, salt in enumerate(_SALTS):
        with np.errstate(over="ignore"):
            mixed = (sk.hashes ^ np.uint32(salt)) * np.uint32(0x9E3779B1)
        lows = np.minimum.reduceat(mixed, starts).astype("<u8") << np.uint64(8)
        raw = (lows | np.uint64(number)).tobytes()
        keys.update(raw[i : i + 8] for i in range(0, len(raw), 8))
    return tuple(sorted(keys))


def overlap(a: Sketch, b: Sketch) -> npt.NDArray[np.float32]:
    """(i, j) → stems sentence i of ``a`` shares with sentence j of ``b``."""
    if not a.count or not b.count:
        return np.zeros((a.count, b.count), dtype=np.float32)
    vocabulary, inverse = np.unique(np.concatenate([a.hashes, b.hashes]), return_inverse=True)
    left = a.incidence(inverse[: len(a.hashes)], len(vocabulary))
    right = b.incidence(inverse[len(a.hashes) :], len(vocabulary))
    shared: npt.NDArray[np.float32] = left @ right.T
    return shared
