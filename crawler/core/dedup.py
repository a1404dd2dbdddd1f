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
  would mostly miss — and a re-spun copy (synonyms swapped, sentences dropped: Jaccard ≈ 0.4)
  are still candidates.
* Confirmation: estimated resemblance (Jaccard) ≥ the story's ``duplicate_similarity``, or
  estimated containment of the smaller text in the larger ≥ ``CONTAINMENT_THRESHOLD``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import xxhash

from crawler.core.text import stable_hash, words

SHINGLE_WORDS = 3
NUM_PERM = 128
BANDS = 32
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
_EMPTY = np.full(NUM_PERM, 2**32 - 1, np.uint32)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    exact: str
    signature: Signature
    size: int  # number of distinct shingles
    anchors: tuple[bytes, ...] = ()

    def to_bytes(self) -> bytes:
        """Size and signature (what confirmation needs); 516 bytes."""
        return self.size.to_bytes(4, "little") + self.signature.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, exact: str, data: bytes) -> Fingerprint:
        size = int.from_bytes(data[:4], "little")
        return cls(exact, np.frombuffer(data[4:], dtype="<u4").astype(np.uint32), size)


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


def fingerprint(text: str) -> Fingerprint:
    """Exact hash, MinHash signature, shingle count and anchors of ``text``."""
    tokens = words(text)
    hashed = _shingles(tokens)
    picked = hashed[(hashed & U64(ANCHOR_EVERY - 1)) == 0].astype("<u8").tobytes()
    return Fingerprint(
        stable_hash(" ".join(tokens), size=16),  # = content_hash(text), words split once
        minhash(hashed),
        len(hashed),
        tuple(picked[i : i + 8] for i in range(0, len(picked), 8)),
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
    _, contained = _estimates(a, np.array([b.size]), b.signature[None, :])
    return float(contained[0])


def _estimates(
    fp: Fingerprint, sizes: npt.NDArray[np.int64], signatures: npt.NDArray[np.uint32]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(Jaccard, containment) estimates of ``fp`` against each row of ``signatures``."""
    equal = np.count_nonzero(signatures == fp.signature, axis=1)
    mine_smaller = fp.size <= sizes
    holds_min = np.where(
        mine_smaller,
        np.count_nonzero(fp.signature <= signatures, axis=1),
        np.count_nonzero(signatures <= fp.signature, axis=1),
    )
    usable = (holds_min >= MIN_ROWS_FOR_CONTAINMENT) & (np.minimum(fp.size, sizes) > 0)
    contained = np.where(usable, equal / np.maximum(holds_min, 1), 0.0)
    return equal / NUM_PERM, contained


def confirm(
    fp: Fingerprint, candidates: list[Fingerprint], min_resemblance: float
) -> list[tuple[bool, float]]:
    """:func:`is_copy` of ``fp`` against every candidate, in one vectorised pass."""
    if not candidates:
        return []
    sizes = np.array([c.size for c in candidates], dtype=np.int64)
    jaccard, contained = _estimates(fp, sizes, np.stack([c.signature for c in candidates]))
    similarity = np.maximum(jaccard, contained).round(4)
    copy = (jaccard >= min_resemblance) | (contained >= CONTAINMENT_THRESHOLD)
    big_enough = np.minimum(fp.size, sizes) >= MIN_SHINGLES
    return [
        (True, 1.0) if c.exact == fp.exact else (bool(k and ok), float(s) if ok else 0.0)
        for c, k, s, ok in zip(candidates, copy, similarity, big_enough, strict=True)
    ]


def is_copy(a: Fingerprint, b: Fingerprint, min_resemblance: float) -> tuple[bool, float]:
    """Confirm a candidate pair; returns (is a copy, similarity reported in events)."""
    return confirm(a, [b], min_resemblance)[0]
