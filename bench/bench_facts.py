"""Throughput of fact extraction and version diffs on real news text.

Usage: python bench/bench_facts.py ../shared/data/extraction-benchmark/ground-truth.json [rounds]

Baseline (same run): splitting the texts into sentences, which every extraction must do.
Measured: ``extract_facts`` (uncached), the same with a ``[facts]``-extended vocabulary, and
``diff_text`` between each article and a copy with one figure changed and a stamp added.
The last line is one JSON object with every figure.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from crawler.core.diff import diff_text
from crawler.core.facts import DEFAULT_VOCABULARY, extract_facts
from crawler.core.text import sentences

extract = extract_facts.__wrapped__  # type: ignore[attr-defined]  # bypass the cache


def _median_seconds(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(path: Path, rounds: int) -> dict[str, float]:
    texts = [v["articleBody"] for v in json.loads(path.read_text()).values()]
    edited = [f"Updated 10:32 GMT\n{t}".replace("1", "2", 1) for t in texts]
    extended = DEFAULT_VOCABULARY.extended(
        words={"kidnapped": ["abducted", "kidnapped"]}, subjects={"gendarmes": "police"}
    )
    n = len(texts)
    words = sum(len(t.split()) for t in texts) / n
    baseline = _median_seconds(lambda: [sentences(t) for t in texts], rounds)
    facts = _median_seconds(lambda: [extract(t, 2020, DEFAULT_VOCABULARY) for t in texts], rounds)
    facts_ext = _median_seconds(lambda: [extract(t, 2020, extended) for t in texts], rounds)
    diffs = _median_seconds(
        lambda: [diff_text(a, b) for a, b in zip(texts, edited, strict=True)], rounds
    )
    found = sum(len(extract(t, 2020, DEFAULT_VOCABULARY)) for t in texts)
    figures = {
        "articles": n,
        "mean_words": round(words, 1),
        "facts_found": found,
        "baseline_sentences_ms_per_article": round(baseline / n * 1000, 3),
        "extract_facts_ms_per_article": round(facts / n * 1000, 3),
        "extract_facts_extended_vocabulary_ms_per_article": round(facts_ext / n * 1000, 3),
        "diff_text_ms_per_pair": round(diffs / n * 1000, 3),
        "extract_facts_articles_per_s": round(n / facts, 1),
        "extract_over_baseline": round(facts / baseline, 2),
    }
    for key, value in figures.items():
        print(f"{key:>50}: {value}")
    return figures


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    print(json.dumps(main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 7)))
