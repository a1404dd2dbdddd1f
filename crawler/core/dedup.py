"""Copy detection fingerprints (pure): exact text hash, MinHash signature, LSH band keys.

* Shingles are overlapping word 3-grams of the normalised text, hashed with xxh64.
* The MinHash uses ``NUM_PERM`` multiply-shift hash functions ``(a·x + b) mod 2^64 >> 32``
  with odd 64-bit ``a`` (fixed seed, so signatures are comparable across processes and
  restarts; never Python's salted ``hash``). Its Jaccard estimate is checked against exact
  Jaccard on real text in the tests.
* LSH: ``BANDS`` bands of ``ROWS`` rows; two texts become candidates when one band agrees.
  Candidates are confirmed by estimated resemblance (Jaccard) or containment of the smaller
  text in the larger one, so a short early version of a long wire story is a copy too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import xxhash

from crawler.core.text import content_hash, words

SHINGLE_WORDS = 3
NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
MIN_SHINGLES = 8
CONTAINMENT_THRESHOLD = 0.8
# containment is estimated from the Jaccard estimate; below this many agreeing rows the
# estimate is noise (a 50-shingle text against a 2,000-shingle one could read as "contained")
MIN_ROWS_FOR_CONTAINMENT = 12

_rng = np.random.default_rng(0x6E657773)  # "news": fixed, so stored signatures stay valid
_A = _rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
_SHIFT = np.uint64(32)
Signature = npt.NDArray[np.uint32]


@dataclass(frozen=True, slots=True)
class Fingerprint:
    exact: str
    signature: Signature
    size: int  # number of distinct shingles

    def to_bytes(self) -> bytes:
        return self.size.to_bytes(4, "little") + self.signature.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, exact: str, data: bytes) -> Fingerprint:
        size = int.from_bytes(data[:4], "little")
        return cls(exact, np.frombuffer(data[4:], dtype="<u4").astype(np.uint32), size)


def shingles(text: str) -> set[int]:
    tokens = words(text)
    if len(tokens) < SHINGLE_WORDS:
        return {xxhash.xxh64_intdigest(" ".join(tokens).encode())} if tokens else set()
    return {
        xxhash.xxh64_intdigest(" ".join(tokens[i : i + SHINGLE_WORDS]).encode())
        for i in range(len(tokens) - SHINGLE_WORDS + 1)
    }


def fingerprint(text: str) -> Fingerprint:
    """Exact hash plus MinHash signature of ``text``."""
    hashed = shingles(text)
    if not hashed:
        return Fingerprint(content_hash(text), np.full(NUM_PERM, 2**32 - 1, np.uint32), 0)
    values = np.fromiter(hashed, dtype=np.uint64, count=len(hashed))
    with np.errstate(over="ignore"):
        mixed = (values[:, None] * _A[None, :] + _B[None, :]) >> _SHIFT
    signature = mixed.min(axis=0).astype(np.uint32)
    return Fingerprint(content_hash(text), signature, len(hashed))


def band_keys(signature: Signature) -> list[bytes]:
    """One 8-byte key per band; equal keys mean the band's rows agree."""
    raw = signature.astype("<u4").tobytes()
    step = ROWS * 4
    return [xxhash.xxh64_digest(raw[i : i + step]) for i in range(0, len(raw), step)]


def resemblance(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


def containment(a: Fingerprint, b: Fingerprint) -> float:
    """Estimated share of the smaller text's shingles found in the larger text."""
    agreeing = int(np.count_nonzero(a.signature == b.signature))
    small, large = sorted((a.size, b.size))
    if small == 0 or agreeing < MIN_ROWS_FOR_CONTAINMENT:
        return 0.0
    jaccard = agreeing / NUM_PERM
    return min(1.0, jaccard * (small + large) / ((1.0 + jaccard) * small))


def is_copy(a: Fingerprint, b: Fingerprint, min_resemblance: float) -> tuple[bool, float]:
    """Confirm a candidate pair; returns (is a copy, similarity reported in events)."""
    if a.exact == b.exact:
        return True, 1.0
    if min(a.size, b.size) < MIN_SHINGLES:
        return False, 0.0
    jaccard = resemblance(a.signature, b.signature)
    contained = containment(a, b)
    similarity = round(max(jaccard, contained), 4)
    return jaccard >= min_resemblance or contained >= CONTAINMENT_THRESHOLD, similarity
