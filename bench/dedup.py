"""Copy-index cost as it fills: lookup time and Redis memory per article at 1k, 10k, 100k.

    python bench/dedup.py [--articles 100000] [--redis-url redis://127.0.0.1:6379/14]

Inserts synthetic articles (Zipf-distributed words from a 20,000-word vocabulary, 250–450
words each) into a story's copy index and, at each checkpoint, times ``CopyIndex.find_copy``
for fresh texts (misses, the common case) and for near copies of stored articles (5 % of the
words changed: hits), and reads the server's ``used_memory``; at the end, the bytes a
byte-identical copy of a stored article adds (1,000 of them). In the same run it measures two
baselines: a brute-force lookup (every stored signature fetched and compared, what an index
without LSH would do) and the previous fingerprint code (one xxhash call per shingle in a
Python loop, broadcast MinHash). Without ``--redis-url`` a private Valkey is started in a
temporary directory (the default Redis database is never touched); with one, the keys go
under a fresh prefix that is deleted afterwards. Nothing leaves the machine.

The last output line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import xxhash

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.core.copies import confirm
from crawler.core.dedup import NUM_PERM, Fingerprint, fingerprint
from crawler.core.text import words
from crawler.store import Store
from crawler.store.embedded import EmbeddedValkey
from crawler.store.index_scripts import RECORD_MIN

STORY = "bench"
SEED = Path(__file__).resolve().parents[1] / "config" / "seeds" / "kazakhstan-order-restored.txt"
VOCABULARY = 20_000
BATCH = 500


class Corpus:
    """Deterministic synthetic articles: article ``i`` is always the same text."""

    def __init__(self, seed: int = 1) -> None:
        rng = np.random.default_rng(seed)
        self.words = np.array([f"w{rng.integers(1 << 40):x}" for _ in range(VOCABULARY)])
        ranks = np.arange(1, VOCABULARY + 1, dtype=np.float64)
        self.p = (1.0 / ranks) / (1.0 / ranks).sum()

    def text(self, i: int) -> str:
        rng = np.random.default_rng(1_000_003 + i)
        picked = rng.choice(VOCABULARY, size=int(rng.integers(250, 451)), p=self.p)
        return " ".join(self.words[picked])

    def near_copy(self, i: int) -> str:
        rng = np.random.default_rng(7_000_003 + i)
        tokens = self.text(i).split()
        for position in rng.choice(len(tokens), size=len(tokens) // 20, replace=False):
            tokens[position] = self.words[rng.integers(VOCABULARY)]
        return " ".join(tokens)


def old_fingerprint(text: str) -> np.ndarray:
    """The previous code path: xxhash per shingle in Python, broadcast MinHash (baseline)."""
    rng = np.random.default_rng(0x6E657773)
    a = rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
    tokens = words(text)
    hashed = {
        xxhash.xxh64_intdigest(" ".join(tokens[i : i + 3]).encode()) for i in range(len(tokens) - 2)
    }
    values = np.fromiter(hashed, dtype=np.uint64, count=len(hashed))
    with np.errstate(over="ignore"):
        mixed = (values[:, None] * a[None, :] + b[None, :]) >> np.uint64(32)
    return mixed.min(axis=0).astype(np.uint32)


def per_call_ms(fn: Any, items: list[str]) -> float:
    started = time.perf_counter()
    for item in items:
        fn(item)
    return (time.perf_counter() - started) / len(items) * 1000


async def insert(store: Store, corpus: Corpus, start: int, stop: int) -> None:
    for low in range(start, stop, BATCH):
        async with store.redis.pipeline(transaction=False) as pipe:
            for i in range(low, min(stop, low + BATCH)):
                store.index.queue_add(pipe, STORY, f"d{i}", fingerprint(corpus.text(i)))
            await pipe.execute()


async def time_lookups(store: Store, prints: list[Fingerprint]) -> tuple[list[float], int]:
    times, found = [], 0
    for fp in prints:
        started = time.perf_counter()
        match = await store.index.find_copy(STORY, fp, 0.3)
        times.append((time.perf_counter() - started) * 1000)
        found += match is not None
    return times, found


async def brute_force_ms(store: Store, prints: list[Fingerprint]) -> float:
    """Fetch every stored fingerprint and compare (vectorised): the cost an index avoids.
    (Fingerprints live in ``fp`` since issue 11, in ``sig`` before; references are skipped.)"""
    started = time.perf_counter()
    for fp in prints:
        raw = [
            value
            for key in (store.keys.fingerprints(STORY), store.keys.signatures(STORY))
            for value in (await store.redis.hgetall(key)).values()
            if len(value) >= RECORD_MIN
        ]
        confirm(fp, [Fingerprint.from_bytes("", r) for r in raw], 0.3)
    return (time.perf_counter() - started) / len(prints) * 1000


async def exact_copy_bytes(store: Store, corpus: Corpus, stored: int, count: int) -> int:
    """Redis bytes per byte-identical copy of a stored article (the e2e bench's copies)."""
    before = await used_memory(store)
    for low in range(0, count, BATCH):
        async with store.redis.pipeline(transaction=False) as pipe:
            for i in range(low, min(count, low + BATCH)):
                fp = fingerprint(corpus.text(i % stored))
                store.index.queue_add(pipe, STORY, f"copy{i}", fp)
            await pipe.execute()
    return round((await used_memory(store) - before) / count)


async def used_memory(store: Store) -> int:
    return int((await store.redis.info("memory"))["used_memory"])


async def checkpoint(
    store: Store, corpus: Corpus, stored: int, lookups: int, base_memory: int
) -> dict[str, Any]:
    rng = np.random.default_rng(stored)
    fresh = [fingerprint(corpus.text(10_000_000 + stored + i)) for i in range(lookups)]
    targets = rng.choice(stored, size=lookups, replace=False)
    copies = [fingerprint(corpus.near_copy(int(i))) for i in targets]
    await time_lookups(store, fresh[:20])  # warm up connections
    miss_times, false_hits = await time_lookups(store, fresh)
    hit_times, found = await time_lookups(store, copies)
    memory = await used_memory(store) - base_memory
    brute_n = 3 if stored >= 50_000 else 10
    return {
        "articles": stored,
        "lookup_miss_median_ms": round(statistics.median(miss_times), 3),
        "lookup_miss_p95_ms": round(float(np.percentile(miss_times, 95)), 3),
        "lookup_hit_median_ms": round(statistics.median(hit_times), 3),
        "near_copies_found": round(found / lookups, 3),
        "false_copies": false_hits,
        "brute_force_lookup_ms": round(await brute_force_ms(store, fresh[:brute_n]), 2),
        "redis_bytes_per_article": round(memory / stored),
    }


async def run(args: argparse.Namespace, url: str) -> dict[str, Any]:
    prefix = f"bench{uuid.uuid4().hex[:8]}:"
    store = await Store.connect(url, prefix)
    corpus = Corpus()
    sample = [corpus.text(i) for i in range(300)]
    seed = [SEED.read_text(encoding="utf-8")] * 200
    result: dict[str, Any] = {
        "fingerprint_ms": round(per_call_ms(fingerprint, sample), 3),
        "baseline_old_fingerprint_ms": round(per_call_ms(old_fingerprint, sample), 3),
        "seed_fingerprint_ms": round(per_call_ms(fingerprint, seed), 3),
        "baseline_old_seed_fingerprint_ms": round(per_call_ms(old_fingerprint, seed), 3),
        "mean_words": round(statistics.mean(len(t.split()) for t in sample)),
        "checkpoints": [],
    }
    try:
        base_memory = await used_memory(store)
        done = 0
        for target in args.checkpoints:
            started = time.perf_counter()
            await insert(store, corpus, done, target)
            rate = (target - done) / (time.perf_counter() - started)
            done = target
            point = await checkpoint(store, corpus, done, args.lookups, base_memory)
            point["inserts_per_second"] = round(rate)
            result["checkpoints"].append(point)
            print(json.dumps(point), flush=True)
        result["redis_bytes_per_exact_copy"] = await exact_copy_bytes(store, corpus, done, 1000)
    finally:
        async for key in store.redis.scan_iter(match=f"{prefix}*", count=1000):
            await store.redis.delete(key)
        await store.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--redis-url", default="", help="default: a private Valkey in a tmp dir")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=300)
    args = parser.parse_args(argv)
    args.checkpoints = sorted({c for c in (1_000, 10_000, 100_000) if c < args.articles})
    args.checkpoints.append(args.articles)
    # SIGTERM unwinds like Ctrl-C, so the private Valkey and its directory are cleaned up
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory() as tmp:
        server = None if args.redis_url else EmbeddedValkey(Path(tmp))
        url = args.redis_url or server.acquire()  # type: ignore[union-attr]
        try:
            result = asyncio.run(run(args, url))
        finally:
            if server is not None:
                server.release()
    points = result["checkpoints"]
    first, last = points[0], points[-1]
    result["lookup_growth_first_to_last"] = round(
        last["lookup_miss_median_ms"] / first["lookup_miss_median_ms"], 2
    )
    result["brute_force_growth_first_to_last"] = round(
        last["brute_force_lookup_ms"] / first["brute_force_lookup_ms"], 2
    )
    result["lookup_flat"] = result["lookup_growth_first_to_last"] <= 1.5
    print(
        f"fingerprint {result['fingerprint_ms']} ms/article "
        f"(previous code {result['baseline_old_fingerprint_ms']} ms; the 1,000-shingle seed "
        f"{result['seed_fingerprint_ms']} ms, previously "
        f"{result['baseline_old_seed_fingerprint_ms']} ms); lookup median "
        + ", ".join(f"{p['articles']:,}: {p['lookup_miss_median_ms']} ms" for p in points)
        + "; brute force "
        + ", ".join(f"{p['articles']:,}: {p['brute_force_lookup_ms']} ms" for p in points)
        + "; bytes/article "
        + ", ".join(f"{p['articles']:,}: {p['redis_bytes_per_article']}" for p in points)
        + f"; a byte-identical copy {result['redis_bytes_per_exact_copy']} bytes"
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
