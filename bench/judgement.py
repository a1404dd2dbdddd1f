"""Copy and relevance judgement on real reporting: quality per corpus and cost per article.

    python bench/judgement.py [CORPUS_DIR ...] [--orders 3]

Corpora are read at run time (default: every story folder of ../shared/data/realnews-dev and
of /work/corpora); nothing is copied. For each corpus the *pure* judgement newswatch's worker
makes — :func:`crawler.core.dedup.fingerprint` / :func:`~crawler.core.dedup.confirm` against
every tracked article (what the copy index proposes, without its candidate sampling), the
pre-filter with the story's key terms, and :func:`crawler.core.profile.judge` with the grown
profile — runs over the articles in replay order (step by step; document frequencies learned
from the feed entries as the store learns them; skipped entries re-checked when the profile
grows; ``updates.json`` applied as in-place updates). It prints what
``../shared/tools/replay.py`` scores (related recall, unrelated judged related, labelled copies
marked duplicate) plus *false copies* (an article marked a copy of another copy group's
article), and repeats the run with the articles of each step in ``--orders`` shuffled orders
(the clusters must not change).

The cluster bookkeeping here (:meth:`Story.join`) is an in-memory model of
:mod:`crawler.stages.article.judging` (same rules, no Redis);
``../shared/tools/replay.py`` runs the real thing.

Cost: the judgement of each article is timed — its fingerprint, its comparison with as many
stored fingerprints as one index lookup may return (``MAX_CANDIDATES`` = 32, the worst case;
a lookup usually returns fewer), relevance to the seed and to the grown profile — and, as the
baseline measured in the same run, the previous judgement (MinHash of the raw text, seed
relevance only). The budget is 2 ms per article.
The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.core.copies import confirm
from crawler.core.dedup import Fingerprint, fingerprint, minhash, shingles
from crawler.core.profile import EMPTY, SEED_WEIGHT, StoryProfile, contribution, judge, strongest
from crawler.core.relevance import (
    TermStats,
    key_terms,
    ranked_terms,
    relevance,
    terms,
    weights,
)
from crawler.core.seed import parse_seed_text
from crawler.stages.seed.load import build_profile
from crawler.store.index import MAX_CANDIDATES

ROOTS = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "realnews-dev",
    Path("/work/corpora"),
)
THRESHOLD = 0.15
DUPLICATE_SIMILARITY = 0.3
SEED = "seed"


def ts(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def entry_text(doc: dict[str, Any]) -> str:
    """What the replay's feed entry says: the title and the first paragraph's first 300 chars."""
    return f"{doc['title']} {doc['text'].split(chr(10) * 2)[0][:300]}"


def body(doc: dict[str, Any]) -> str:
    return "\n".join(p for p in doc["text"].split("\n\n") if p.strip())


class Story:
    """One corpus replayed through the pure judgement."""

    def __init__(self, folder: Path, rng: random.Random | None) -> None:
        self.arts = [
            json.loads(x) for x in (folder / "articles.jsonl").read_text().splitlines() if x.strip()
        ]
        updates = folder / "updates.json"
        self.updates = json.loads(updates.read_text()) if updates.exists() else []
        self.by_id = {a["id"]: a for a in self.arts}
        self.consumed = {u["becomes"] for u in self.updates}
        self.seed = build_profile("s", parse_seed_text((folder / "seed.txt").read_text()))
        self.rng = rng
        self.df: Counter[str] = Counter()
        self.docs = 0
        self.tracked: dict[str, tuple[Fingerprint, str, float]] = {}  # id → (fp, rep, published)
        self.tracked[SEED] = (fingerprint(self.seed.text), SEED, 0.0)
        self.events: list[tuple[str, str, str]] = []  # (article id, type, duplicate_of)
        self.verdict: dict[str, str] = {}
        self.skipped: set[str] = set()
        self.grown: dict[str, float] = {}
        self.names: dict[str, float] = {}
        self.mass = 0.0
        self.landmark: float | None = None
        self.timings: list[float] = []
        self.compared: list[int] = []
        self.baseline: list[float] = []

    def profile(self) -> StoryProfile:
        return strongest(self.grown, self.names, self.mass) if self.mass else EMPTY

    def grow(self, title: str, text: str, when: float, weight: float = 1.0) -> None:
        if self.landmark is None:
            self.landmark = when
            self.grow(self.seed.title, self.seed.text, when, SEED_WEIGHT)
        part = contribution(title, text, when, self.landmark, weight)
        for k, v in part.terms.items():
            self.grown[k] = self.grown.get(k, 0.0) + v
        for k, v in part.names.items():
            self.names[k] = self.names.get(k, 0.0) + v
        self.mass += part.mass

    def stats(self) -> TermStats:
        return TermStats(self.docs, dict(self.df))

    def run(self) -> None:
        steps = sorted({a["step"] for a in self.arts} | {u["at_step"] for u in self.updates})
        for step in steps:
            fresh = [a for a in self.arts if a["step"] == step and a["id"] not in self.consumed]
            for a in fresh:
                self.df.update(set(terms(entry_text(a))))
                self.docs += 1
            keys = key_terms(
                ranked_terms(self.seed.terms, self.grown, self.stats(), self.seed.entities),
                self.seed.entities,
            )
            recheck = [i for i in sorted(self.skipped) if keys.passes(entry_text(self.by_id[i]))]
            order = sorted(fresh, key=lambda a: a["published"])
            if self.rng:
                self.rng.shuffle(order)
            for a in order:
                if keys.passes(entry_text(a)):
                    self.first_visit(a["id"], a)
                else:
                    self.skipped.add(a["id"])
            for i in recheck:
                self.skipped.discard(i)
                self.first_visit(i, self.by_id[i])
            for u in self.updates:
                if u["at_step"] == step:
                    self.update(u["url_of"], self.by_id[u["becomes"]])

    def update(self, aid: str, doc: dict[str, Any]) -> None:
        """An in-place update: a tracked copy that no longer copies its cluster is its own;
        anything else seen before is judged again (the publisher signalled a change)."""
        if aid in self.tracked:
            fp, rep, published = self.tracked[aid]
            if rep != aid:
                new = fingerprint(body(doc))
                rule, _ = confirm(new, [self.tracked[rep][0]], DUPLICATE_SIMILARITY)[0]
                if not rule:
                    self.tracked[aid] = (fp, aid, published)
            return
        self.skipped.discard(aid)
        self.first_visit(aid, doc, rejudge=True)

    def first_visit(self, aid: str, doc: dict[str, Any], rejudge: bool = False) -> None:
        if aid in self.tracked or (aid in self.verdict and not rejudge):
            return
        published = ts(doc["published"])
        text, profile, stats = body(doc), self.profile(), self.stats()
        self.time_judgement(doc["title"], text, profile, stats)
        self.time_baseline(doc)
        fp = fingerprint(text)
        best = self.best_copy(fp)
        judged = None
        if not best:
            judged = judge(self.seed.terms, self.seed.entities, profile, doc["title"], text, stats)
        if best:
            self.join(aid, fp, best, published)
        elif judged is not None and judged.related(THRESHOLD):
            self.tracked[aid] = (fp, aid, published)
            self.verdict[aid] = "related"
            self.events.append((aid, "article.related", ""))
            self.grow(doc["title"], body(doc), published)
        else:
            self.verdict[aid] = "unrelated"

    def best_copy(self, fp: Fingerprint) -> list[str]:
        """Every tracked article ``fp`` copies, the closest first."""
        docs = list(self.tracked)
        found = confirm(fp, [self.tracked[d][0] for d in docs], DUPLICATE_SIMILARITY)
        hits = [
            (like.covered + like.covered_other, like.similarity, d)
            for d, (rule, like) in zip(docs, found, strict=True)
            if rule
        ]
        return [d for _, _, d in sorted(hits, reverse=True)]

    def join(self, aid: str, fp: Fingerprint, matches: list[str], published: float) -> None:
        """As crawler/stages/article/judging.py: one duplicate event naming the joined cluster's
        representative; the earliest published representative wins (a newcomer published at
        the same time does not displace it); bridged clusters merge."""
        joined = self.tracked[matches[0]][1]
        reps = {joined} | {self.tracked[m][1] for m in matches}
        times = {r: self.tracked[r][2] for r in reps if r != SEED}
        times[aid] = published
        winner = SEED if SEED in reps else min(times, key=lambda r: (times[r], r == aid, r))
        for d, (f, r, p) in list(self.tracked.items()):
            if r in reps and r != winner:
                self.tracked[d] = (f, winner, p)
        self.tracked[aid] = (fp, winner, published)
        self.verdict[aid] = "duplicate"
        self.events.append((aid, "article.duplicate", joined))

    def time_judgement(
        self, title: str, text: str, profile: StoryProfile, stats: TermStats
    ) -> None:
        """What a worker spends judging one article: its fingerprint, the comparison with as
        many stored fingerprints as a lookup may return (``MAX_CANDIDATES``, the worst case;
        the latest tracked), and relevance to the seed and the grown profile."""
        candidates = [fp for fp, _, _ in list(self.tracked.values())[-MAX_CANDIDATES:]]
        started = time.perf_counter()
        fp = fingerprint(text)
        confirm(fp, candidates, DUPLICATE_SIMILARITY)
        judge(self.seed.terms, self.seed.entities, profile, title, text, stats)
        self.timings.append(time.perf_counter() - started)
        self.compared.append(len(candidates))

    def time_baseline(self, doc: dict[str, Any]) -> None:
        started = time.perf_counter()
        minhash(shingles(doc["text"]))
        stats = self.stats()
        relevance(
            weights(self.seed.terms, stats),
            self.seed.entities,
            f"{doc['title']}\n{doc['text']}",
            stats,
        )
        self.baseline.append(time.perf_counter() - started)

    def clusters(self) -> dict[str, str]:
        return {d: rep for d, (_, rep, _) in self.tracked.items() if d != SEED}


def score(story: Story) -> dict[str, Any]:
    """The replay's figures (see ../shared/tools/replay.py), plus false copies."""
    standalone = [a for a in story.arts if a["id"] not in story.consumed]
    per: dict[str, list[tuple[int, str, str]]] = {}
    for n, (aid, kind, of) in enumerate(story.events):
        per.setdefault(aid, []).append((n, kind, of))
    related = [a for a in standalone if a["related"]]
    missed = [a["id"] for a in related if a["id"] not in per]
    false_pos = [a["id"] for a in standalone if not a["related"] and a["id"] in per]
    groups: dict[str, list[dict[str, Any]]] = {}
    for a in standalone:
        if a["copy_group"] and a["related"]:
            groups.setdefault(a["copy_group"], []).append(a)
    expected = hits = 0
    copy_missed = []
    for members in groups.values():
        if len(members) < 2:
            continue
        first = {
            m["id"]: min((n for n, _, _ in per.get(m["id"], [])), default=10**9) for m in members
        }
        members.sort(key=lambda m: (m["step"], first[m["id"]], m["published"]))
        for m in members[1:]:
            expected += 1
            if any(kind == "article.duplicate" for _, kind, _ in per.get(m["id"], [])):
                hits += 1
            else:
                copy_missed.append(m["id"])
    group = {a["id"]: a["copy_group"] for a in story.arts}
    group[SEED] = "seed"
    wrong = sorted(
        f"{aid}->{of}"
        for aid, kind, of in story.events
        if kind == "article.duplicate"
        and (group.get(aid) is None or group.get(aid) != group.get(of))
    )
    return {
        "related_hit": len(related) - len(missed),
        "related_total": len(related),
        "missed": missed,
        "unrelated_fp": len(false_pos),
        "unrelated_total": len(standalone) - len(related),
        "false_positives": false_pos,
        "copy_hits": hits,
        "copy_expected": expected,
        "copies_missed": copy_missed,
        "false_copies": wrong,
    }


def summary(name: str, figures: dict[str, Any]) -> str:
    return (
        f"{name}: related {figures['related_hit']}/{figures['related_total']} "
        f"(missed {figures['missed']}); unrelated judged related {figures['unrelated_fp']}/"
        f"{figures['unrelated_total']} {figures['false_positives']}; copies "
        f"{figures['copy_hits']}/{figures['copy_expected']} "
        f"(missed {figures['copies_missed']}); false copies {figures['false_copies']}; "
        f"same clusters in shuffled orders {figures['orders_same_clusters']}"
    )


def corpora(args: list[str]) -> list[Path]:
    if args:
        return [Path(a) for a in args]
    found = []
    for root in ROOTS:
        if root.exists():
            found += sorted(p.parent for p in root.glob("*/articles.jsonl"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpora", nargs="*")
    parser.add_argument("--orders", type=int, default=3)
    args = parser.parse_args()
    folders = corpora(args.corpora)
    if not folders:
        print("no corpus found (../shared/data/realnews-dev is not available)")
        sys.exit(1)
    results: dict[str, Any] = {}
    timings: list[float] = []
    baseline: list[float] = []
    for folder in folders:
        story = Story(folder, None)
        story.run()
        figures = score(story)
        stable = 0
        for n in range(args.orders):
            other = Story(folder, random.Random(n))
            other.run()
            stable += other.clusters() == story.clusters()
        figures["orders_same_clusters"] = f"{stable}/{args.orders}"
        timings += story.timings
        baseline += story.baseline
        results[folder.name] = figures
        print(summary(folder.name, figures))
    ms = statistics.median(timings) * 1000
    p95 = sorted(timings)[int(0.95 * len(timings))] * 1000
    base = statistics.median(baseline) * 1000
    print(
        f"judgement (fingerprint + comparison with up to {MAX_CANDIDATES} stored + relevance "
        f"to seed and profile): median {ms:.2f} ms/article, p95 {p95:.2f} ms over "
        f"{len(timings)} articles; budget 2 ms; baseline in this run (the previous fingerprint "
        f"and seed relevance, no comparison): {base:.2f} ms"
    )
    results.update(
        judgement_ms_median=round(ms, 3),
        judgement_ms_p95=round(p95, 3),
        baseline_ms_median=round(base, 3),
        budget_ms=2.0,
        within_budget=ms <= 2.0,
    )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
