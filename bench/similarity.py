"""How well newswatch's relevance score ranks real news pairs, against a TF-IDF baseline.

    python bench/similarity.py --pairs ../shared/data/news-similarity/semeval2022-task8-train.csv \
        [--out scores.csv]

Pairs: the English-English rows whose ``pair_id`` is digits and underscores only (the rows with
a language suffix are machine-translated augmentations). ``Overall`` is the human judgement,
1 = same story … 4 = unrelated.

* newswatch: :func:`crawler.core.relevance.relevance` of text 2 against text 1 as the seed, with
  document frequencies counted over the texts of those pairs (as the store would learn them).
* baseline: cosine of scikit-learn ``TfidfVectorizer(sublinear_tf=True, stop_words="english")``
  fitted on the same texts.

Both are reported as Spearman correlation with ``-Overall`` and ROC-AUC for ``Overall <= 2``
(same or nearly the same story) against the rest. The threshold that best separates those two
classes (Youden's J) is printed too: it is what ``min_relevance`` is calibrated against.
The last output line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import roc_auc_score, roc_curve

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.core.relevance import TermStats, entities, relevance, terms, vocabulary, weights

_PAIR_ID = re.compile(r"^[0-9_]+$")


def load_pairs(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [
        r
        for r in rows
        if _PAIR_ID.match(r["pair_id"]) and r["lang1"] == "en" and r["lang2"] == "en"
    ]


def newswatch_scores(pairs: list[dict[str, str]]) -> np.ndarray:
    texts = [p["text1"] for p in pairs] + [p["text2"] for p in pairs]
    df: Counter[str] = Counter()
    for text in texts:
        df.update(vocabulary(text))
    stats = TermStats(docs=len(texts), df=df)
    scores = []
    for pair in pairs:
        seed = pair["text1"]
        score = relevance(weights(terms(seed), stats), entities(seed), pair["text2"], stats)
        scores.append(score.score)
    return np.array(scores)


def baseline_scores(pairs: list[dict[str, str]]) -> np.ndarray:
    texts = [p["text1"] for p in pairs] + [p["text2"] for p in pairs]
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit(texts)
    left = vectorizer.transform([p["text1"] for p in pairs])
    right = vectorizer.transform([p["text2"] for p in pairs])
    return np.asarray(left.multiply(right).sum(axis=1)).ravel()


def figures(scores: np.ndarray, overall: np.ndarray) -> dict[str, float]:
    same = overall <= 2
    fpr, tpr, thresholds = roc_curve(same, scores)
    best = int(np.argmax(tpr - fpr))
    return {
        "spearman": round(float(spearmanr(scores, -overall).statistic), 4),
        "auc": round(float(roc_auc_score(same, scores)), 4),
        "threshold": round(float(thresholds[best]), 4),
        "tpr_at_threshold": round(float(tpr[best]), 4),
        "fpr_at_threshold": round(float(fpr[best]), 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pairs", type=Path, required=True, help="SemEval-2022 Task 8 CSV")
    parser.add_argument("--out", type=Path, help="write pair_id,score (newswatch) here")
    args = parser.parse_args(argv)
    if not args.pairs.exists():
        print(f"similarity: {args.pairs} not found (the shared data live in ../shared)")
        return 2
    pairs = load_pairs(args.pairs)
    overall = np.array([float(p["Overall"]) for p in pairs])
    started = time.perf_counter()
    ours = newswatch_scores(pairs)
    ours_seconds = time.perf_counter() - started
    started = time.perf_counter()
    base = baseline_scores(pairs)
    base_seconds = time.perf_counter() - started
    result = {
        "pairs": len(pairs),
        "same_story_pairs": int((overall <= 2).sum()),
        "newswatch": {**figures(ours, overall), "seconds": round(ours_seconds, 3)},
        "baseline_tfidf": {**figures(base, overall), "seconds": round(base_seconds, 3)},
    }
    result["spearman_gain"] = round(
        result["newswatch"]["spearman"] - result["baseline_tfidf"]["spearman"], 4
    )
    result["auc_gain"] = round(result["newswatch"]["auc"] - result["baseline_tfidf"]["auc"], 4)
    result["goals_met"] = result["spearman_gain"] >= 0.03 and result["auc_gain"] >= 0
    if args.out:
        with args.out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["pair_id", "score"])
            writer.writerows((p["pair_id"], f"{s:.4f}") for p, s in zip(pairs, ours, strict=True))
    for name in ("newswatch", "baseline_tfidf"):
        f = result[name]
        print(
            f"{name:15s} spearman {f['spearman']:.4f}  auc {f['auc']:.4f}  "
            f"best threshold {f['threshold']:.4f} (tpr {f['tpr_at_threshold']:.2f}, "
            f"fpr {f['fpr_at_threshold']:.2f})"
        )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
