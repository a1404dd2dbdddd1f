"""Copy detection fingerprints (pure): exact text hash, MinHash signature, LSH bands, anchors.

* Shingles are overlapping word 3-grams of the text (every word counts, stop words too: copy
  detection compares wording, not topic). Each word is hashed with xxh3; a
  3-gram's hash combines its three word hashes in numpy and is finished with murmur3's
  64-bit mixer, so no Python code runs per shingle (≈ 0.5 ms for a 1,000-shingle text).
* MinHash: ``NUM_PERM`` multiply-shift hash functions ``(a·x + b) mod 2^64 >> 32`` with odd
  64-bit ``a`` drawn from a fixed seed (signatures stay comparable across processes and
  restarts; never Python's salted ``hash``). The estimate is checked against exact Jaccard on
  real article text in ``tests/test_dedup_minhash.py``.
* LSH: ``BANDS`` bands of ``ROWS`` rows; two texts become candidates when one band agrees
  (probability ``1 − (1 − J^ROWS)^BANDS``: 0.87 at J = 0.5, 0.99 at J = 0.7).
* Anchors: the shingles whose mixed hash is ``0 mod ANCHOR_EVERY`` (content-defined sampling,
  Broder/Manber). A text contained in another shares all of its anchors with it, whatever the
  length ratio, so a short early version of a long wire story — Jaccard 0.15, which banding
  would mostly miss — is still a candidate. Re-spun copies are found by their sentence keys
  (:mod:`crawler.core.sketch`).
* Everything is computed on the article's *reporting* (:func:`crawler.core.furniture.reporting`:
  datelines, bylines, credits, read-more lines dropped), so two sites' copies of one wire
  story differ only where their texts do.
* Confirmation (:mod:`crawler.core.copies`): exact Jaccard and containment of the
  3-gram sets (stored with the signature: MinHash estimates are too noisy at the boundary
  between real copies and different reports of one event), and sentence coverage in both
  directions (:mod:`crawler.core.sketch`)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import xxhash

from crawler.core.furniture import reporting
from crawler.core.sketch import EMPTY, Sketch, sentence_keys, sketch
from crawler.core.text import stable_hash, words

SHINGLE_WORDS = 3
NUM_PERM = 128
BANDS = 32
FINGERPRINT_CACHE = 256  # texts whose fingerprint is remembered (~10 KB each)
ROWS = NUM_PERM // BANDS
ANCHOR_EVERY = 16
MIN_SHINGLES = 8
CONTAINMENT_THRESHOLD = 0.8
# containment is estimated on the hash functions where the smaller text holds the minimum;
# with fewer than this many (a 50-shingle text against a 5,000-shingle one) it is noise
MIN_ROWS_FOR_CONTAINMENT = 10

U64 = np.uint64
_rng = np.random.default_rng(0x6E657773)  # "news": fixed, so stored signatures stay valid
_A = _rng.integers(1, 2**63, size=NUM_PERM, dtype=U64) * U64(2) + U64(1)
_B = _rng.integers(0, 2**63, size=NUM_PERM, dtype=U64)
_K1, _K2 = U64(0x9E3779B97F4A7C15), U64(0xC2B2AE3D27D4EB4F)
_M1, _M2 = U64(0xFF51AFD7ED558CCD), U64(0xC4CEB9FE1A85EC53)
_SHIFT = U64(32)
Signature = npt.NDArray[np.uint32]
Hashes = npt.NDArray[np.uint64]
Hashes32 = npt.NDArray[np.uint32]
_EMPTY = np.full(NUM_PERM, 2**32 - 1, np.uint32)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    exact: str
    signature: Signature
    size: int  # number of distinct shingles
    anchors: tuple[bytes, ...] = ()
    sketch: Sketch = EMPTY
    keys: tuple[bytes, ...] = ()  # sentence keys (candidate lookup only; not stored)
    shingled: Hashes32 | None = None  # the shingles' low 32 bits, sorted (exact measures)

    def to_bytes(self) -> bytes:
        """Size, signature, shingles and sentence sketch (what confirmation needs)."""
        shingled = self.shingled if self.shingled is not None else np.empty(0, np.uint32)
        return b"".join(
            (
                self.size.to_bytes(4, "little"),
                self.signature.astype("<u4").tobytes(),
                len(shingled).to_bytes(4, "little"),
                shingled.astype("<u4").tobytes(),
                self.sketch.to_bytes(),
            )
        )

    @classmethod
    def from_bytes(cls, exact: str, data: bytes) -> Fingerprint:
        """Read :meth:`to_bytes`; an older record (size and signature only) reads too."""
        size = int.from_bytes(data[:4], "little")
        end = 4 + NUM_PERM * 4
        signature = np.frombuffer(data[4:end], dtype="<u4").astype(np.uint32)
        if len(data) < end + 4:
            return cls(exact, signature, size)
        count = int.from_bytes(data[end : end + 4], "little")
        start, stop = end + 4, end + 4 + 4 * count
        shingled = np.frombuffer(data[start:stop], dtype="<u4").astype(np.uint32)
        return cls(exact, signature, size, (), Sketch.from_bytes(data[stop:]), (), shingled)


def _mix(values: Hashes) -> Hashes:
    """murmur3 fmix64: every input bit affects every output bit."""
    values = values ^ (values >> U64(33))
    values = values * _M1
    values = values ^ (values >> U64(33))
    values = values * _M2
    return values ^ (values >> U64(33))


def shingles(text: str) -> Hashes:
    """Distinct 64-bit hashes of the word 3-grams of ``text`` (sorted)."""
    return _shingles(words(text))


def _shingles(tokens: list[str]) -> Hashes:
    if not tokens:
        return np.empty(0, dtype=U64)
    hashed = np.array(list(map(xxhash.xxh3_64_intdigest, map(str.encode, tokens))), dtype=U64)
    with np.errstate(over="ignore"):
        if len(hashed) >= SHINGLE_WORDS:
            hashed = (hashed[:-2] * _K1 + hashed[1:-1]) * _K2 + hashed[2:]
        return np.unique(_mix(hashed))


def minhash(hashed: Hashes) -> Signature:
    """The MinHash signature of a set of shingle hashes (in-place numpy: no temporaries)."""
    if not len(hashed):
        return _EMPTY.copy()
    with np.errstate(over="ignore"):
        mixed = np.multiply(hashed[:, None], _A[None, :])
        np.add(mixed, _B[None, :], out=mixed)
    # ``>> 32`` is monotone, so it can follow the min instead of touching every cell
    signature: Signature = (mixed.min(axis=0) >> _SHIFT).astype(np.uint32)
    return signature


@functools.lru_cache(maxsize=FINGERPRINT_CACHE)
def fingerprint(text: str) -> Fingerprint:
    """Exact hash, MinHash signature, shingle count, anchors and sentence sketch of the
    *reporting* of ``text`` (datelines, bylines, credits and read-more lines dropped).

    Remembered for the latest ``FINGERPRINT_CACHE`` texts (thread-safe; a fingerprint is
    never modified): a wire story republished verbatim on many sites is fingerprinted once
    per process, not once per copy."""
    body = reporting(text)
    tokens = words(body)
    hashed = _shingles(tokens)
    picked = hashed[(hashed & U64(ANCHOR_EVERY - 1)) == 0].astype("<u8").tobytes()
    sk = sketch(body)
    return Fingerprint(
        stable_hash(" ".join(tokens), size=16),  # = content_hash(reporting), words split once
        minhash(hashed),
        len(hashed),
        tuple(picked[i : i + 8] for i in range(0, len(picked), 8)),
        sk,
        sentence_keys(sk),
        np.unique(hashed.astype(np.uint32)),
    )


def band_keys(signature: Signature) -> list[bytes]:
    """One 8-byte key per band; equal keys mean the band's rows agree."""
    raw = signature.astype("<u4").tobytes()
    step = ROWS * 4
    return [xxhash.xxh64_digest(raw[i : i + step]) for i in range(0, len(raw), step)]


def resemblance(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


def containment(a: Fingerprint, b: Fingerprint) -> float:
    """Estimated share of the smaller text's shingles found in the larger text.

    For each hash function the union's minimum is the smaller of the two texts' minima. Among
    the functions where the smaller text holds the union's minimum (``small ≤ large``), the
    share where both minima are equal estimates ``|A∩B| / |A|`` directly — much less noisy
    than deriving it from the Jaccard estimate and the sizes when the sizes differ a lot.
    """
    return shingle_measures(a, b)[1]


def shingle_measures(a: Fingerprint, b: Fingerprint) -> tuple[float, float]:
    """(Jaccard, containment of the smaller in the larger): exact when both fingerprints
    carry their shingles, else MinHash estimates."""
    if a.shingled is not None and b.shingled is not None and len(a.shingled) and len(b.shingled):
        shared = len(np.intersect1d(a.shingled, b.shingled, assume_unique=True))
        union = len(a.shingled) + len(b.shingled) - shared
        return shared / union, shared / min(len(a.shingled), len(b.shingled))
    equal = int(np.count_nonzero(a.signature == b.signature))
    small, large = (a, b) if a.size <= b.size else (b, a)
    holds_min = int(np.count_nonzero(small.signature <= large.signature))
    usable = holds_min >= MIN_ROWS_FOR_CONTAINMENT and small.size > 0
    return equal / NUM_PERM, (equal / holds_min if usable else 0.0)
