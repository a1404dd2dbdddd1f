"""A correctness guard on real pages: the shared extraction benchmark's F1 stays above target.

Speed is measured by bench/extraction.py, never here.
"""

from __future__ import annotations

from bench.extraction import load_pages, newswatch_extractor, score
from tests.conftest import shared_path

# The target (trafilatura scores 0.957 on these pages); the extractor measures ~0.977.
F1_FLOOR = 0.965


def test_f1_on_the_shared_benchmark_stays_above_the_target() -> None:
    pages = load_pages(shared_path("data", "extraction-benchmark"))
    assert len(pages) == 123
    extract = newswatch_extractor()
    result = score(pages, {page.id: extract(page.html, page.url) for page in pages})
    assert result.f1 >= F1_FLOOR, result
    assert min(result.precision, result.recall) >= 0.95, result
