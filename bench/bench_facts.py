"""Throughput of fact reading and version diffs on real news text.

Usage: python bench/bench_facts.py ../shared/data/extraction-benchmark/ground-truth.json [rounds]

Two sets of real text: the extraction benchmark's 123 article bodies (general news), and —
when ``../shared/data/realnews-dev`` is there — every article of its replay corpora (developing
stories, dense with figures), read as the pipeline reads them: headline + text against the
story's places. Baseline (same run): splitting the texts into sentences, which every reading
must do. Measured: ``extract_facts`` (uncached), the same with a ``[facts]``-extended
vocabulary, ``read_article`` on the corpora, and ``diff_text`` between each article and a copy
with one figure changed and a stamp added. The last line is one JSON object with every figure
(the budget: reading ≤ 2 ms per article).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from crawler.core.diff import diff_text
from crawler.core.facts import DEFAULT_VOCABULARY, extract_facts, read_article
from crawler.core.facts.places import story_places
from crawler.core.text import sentences

extract = extract_facts.__wrapped__  # type: ignore[attr-defined]  # bypass the cache
REALNEWS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "realnews-dev"


def _corpora() -> list[tuple[str, str, int, frozenset[str]]]:
    """(title, text, year, places) of every article of the replay corpora, if present."""
    out = []
    for folder in sorted(p for p in REALNEWS.glob("*") if p.is_dir()):
        seed = [p for p in (folder / "seed.txt").read_text().splitlines() if p.strip()]
        places = story_places(seed[0], "\n".join(seed[1:]))
        for line in (folder / "articles.jsonl").read_text().splitlines():
            a = json.loads(line)
            out.append((a["title"], a["text"], int(a["published"][:4]), places))
    return out


def _read(articles: list[tuple[str, str, int, frozenset[str]]]) -> None:
    for title, text, year, places in articles:
        read_article(title, text, year, DEFAULT_VOCABULARY, places)


def _median_seconds(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(path: Path, rounds: int) -> dict[str, float | int | bool]:
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
    figures = _corpora_figures(rounds)
    figures |= {
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


def _corpora_figures(rounds: int) -> dict[str, float | int | bool]:
    articles = _corpora()
    if not articles:
        print(f"(replay corpora not measured: {REALNEWS} is absent)")
        return {}
    n = len(articles)
    baseline = _median_seconds(lambda: [sentences(f"{a[0]}\n{a[1]}") for a in articles], rounds)
    extract_facts.cache_clear()
    reading = _median_seconds(lambda: (extract_facts.cache_clear(), _read(articles)), rounds)
    return {
        "corpora_articles": n,
        "corpora_baseline_sentences_ms_per_article": round(baseline / n * 1000, 3),
        "corpora_read_article_ms_per_article": round(reading / n * 1000, 3),
        "corpora_read_within_2ms": reading / n * 1000 <= 2.0,
    }


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    print(json.dumps(main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 7)))
