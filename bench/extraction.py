"""Extraction benchmark: newswatch's extractor against trafilatura on the same pages.

Usage::

    python -m bench.extraction --data ../shared/data/extraction-benchmark [--out PRED.json]

``DIR`` holds ``html/<id>.html.gz`` and ``ground-truth.json`` ({id: {articleBody, url}}), the
layout of the public article-extraction-benchmark. The metric is that benchmark's: tokens are
``\\w+`` runs, each text becomes 4-token shingles with counts, per page TP/FP/FN are the multiset
overlaps normalised to sum to 1; precision is the mean over pages with a non-empty prediction,
recall the mean over all pages, F1 the harmonic mean of those two means.

Both extractors start from the page's raw bytes (newswatch: ``extract_article`` on the
bytes, which decodes them; trafilatura: its default ``extract()``, which decodes bytes
itself), in the same process. Throughput is the best of ``--repeat`` full passes over all
pages for each, the passes of the two interleaved so that load on the machine hits both alike.
The last output line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_TOKEN = re.compile(r"\w+", re.UNICODE)
SHINGLE = 4

Extractor = Callable[[bytes, str], str]


@dataclass(frozen=True)
class Page:
    id: str
    url: str
    html: bytes
    truth: str


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    pages: int


def load_pages(data: Path, ids: Iterable[str] | None = None) -> list[Page]:
    """Read ``ground-truth.json`` and the gzipped pages it names (optionally only ``ids``)."""
    truth: dict[str, dict[str, str]] = json.loads(
        (data / "ground-truth.json").read_text(encoding="utf-8")
    )
    wanted = sorted(truth) if ids is None else sorted(ids)
    return [
        Page(
            id=key,
            url=truth[key].get("url", ""),
            html=gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes()),
            truth=truth[key].get("articleBody", ""),
        )
        for key in wanted
    ]


def shingles(text: str) -> Counter[str]:
    tokens = _TOKEN.findall(text or "")
    grams = (" ".join(tokens[i : i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1)))
    return Counter(g for g in grams if g)


def page_counts(truth: str, prediction: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of one page: multiset overlaps of 4-token shingles."""
    want, got = shingles(truth), shingles(prediction)
    tp = float(sum((want & got).values()))
    fp = float(sum((got - want).values()))
    fn = float(sum((want - got).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def score(pages: list[Page], predictions: dict[str, str]) -> Score:
    precisions: list[float] = []
    recalls: list[float] = []
    for page in pages:
        prediction = predictions.get(page.id, "")
        tp, fp, fn = page_counts(page.truth, prediction)
        if prediction.strip() and tp + fp > 0:
            precisions.append(tp / (tp + fp))
        recalls.append(tp / (tp + fn) if tp + fn > 0 else 0.0)
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, len(pages))


def newswatch_extractor() -> Extractor:
    from crawler.core.extract import extract_article
    from crawler.errors import ExtractError

    def run(html: bytes, url: str) -> str:
        try:
            return extract_article(html, url).text
        except ExtractError:
            return ""

    return run


def trafilatura_extractor() -> Extractor | None:
    try:
        import trafilatura
    except ImportError:
        return None

    def run(html: bytes, url: str) -> str:
        return trafilatura.extract(html, url=url) or ""

    return run


def run_extractors(
    extractors: dict[str, Extractor], pages: list[Page], repeat: int
) -> dict[str, tuple[dict[str, str], float]]:
    """Predictions of each extractor and its best wall time over ``repeat`` full passes.

    The passes are interleaved (A, B, A, B, …) so that a change in the machine's load
    during the run affects both extractors alike.
    """
    best = dict.fromkeys(extractors, float("inf"))
    predictions: dict[str, dict[str, str]] = {name: {} for name in extractors}
    for _ in range(max(1, repeat)):
        for name, extract in extractors.items():
            start = time.perf_counter()
            predictions[name] = {page.id: extract(page.html, page.url) for page in pages}
            best[name] = min(best[name], time.perf_counter() - start)
    return {name: (predictions[name], best[name]) for name in extractors}


def _line(name: str, result: Score, seconds: float) -> str:
    rate = result.pages / seconds if seconds else 0.0
    return (
        f"{name:<12} precision {result.precision:.4f}  recall {result.recall:.4f}  "
        f"F1 {result.f1:.4f}  {rate:8.1f} docs/s  ({result.pages} pages, {seconds:.3f} s)"
    )


def _figures(result: Score, seconds: float) -> dict[str, float]:
    return {
        "precision": round(result.precision, 4),
        "recall": round(result.recall, 4),
        "f1": round(result.f1, 4),
        "docs_per_s": round(result.pages / seconds, 1) if seconds else 0.0,
        "seconds": round(seconds, 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="benchmark directory")
    parser.add_argument("--out", type=Path, help="write newswatch's predictions here (JSON)")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes (best is kept)")
    parser.add_argument("--ids", type=Path, help="only the page ids listed in this file")
    args = parser.parse_args(argv)
    if not (args.data / "ground-truth.json").is_file():
        print(f"error: {args.data}/ground-truth.json not found", file=sys.stderr)
        return 2
    ids = args.ids.read_text().split() if args.ids else None
    pages = load_pages(args.data, ids)
    extractors: dict[str, Extractor] = {"newswatch": newswatch_extractor()}
    baseline = trafilatura_extractor()
    if baseline is not None:
        extractors["trafilatura"] = baseline
    runs = run_extractors(extractors, pages, args.repeat)
    ours, ours_s = runs["newswatch"]
    ours_score = score(pages, ours)
    print(_line("newswatch", ours_score, ours_s))
    if args.out:
        args.out.write_text(
            json.dumps({k: {"articleBody": v} for k, v in ours.items()}, ensure_ascii=False),
            encoding="utf-8",
        )
    result: dict[str, Any] = {"pages": len(pages), "newswatch": _figures(ours_score, ours_s)}
    if baseline is None:
        print(
            "trafilatura is not installed: no baseline. Install it with "
            "`pip install -e '.[bench]'` to compare.",
        )
        result["trafilatura"] = None
    else:
        from importlib.metadata import version

        theirs, theirs_s = runs["trafilatura"]
        theirs_score = score(pages, theirs)
        print(_line("trafilatura", theirs_score, theirs_s))
        ratio = theirs_s / ours_s if ours_s else 0.0
        print(
            f"speed ratio newswatch/trafilatura: {ratio:.1f}x   "
            f"F1 difference: {ours_score.f1 - theirs_score.f1:+.4f}"
        )
        result["trafilatura"] = {
            **_figures(theirs_score, theirs_s),
            "version": version("trafilatura"),
        }
        result["speed_ratio"] = round(ratio, 1)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
