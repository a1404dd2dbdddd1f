"""The facts judgement alone on real reporting: reading + ledger over a replay corpus, offline.

usage: python bench/facts_replay.py [STORY_DIR ...]   (default: every corpus in
../shared/data/realnews-dev)

A fast companion of ``../shared/tools/replay.py``: it takes a corpus's related articles in
replay order (step, then published time), applies its in-place updates at their step, and runs
only the pure core the pipeline runs — :func:`crawler.core.facts.read_article` on title +
text and :func:`crawler.core.facts.revise.revise` with the default alert policy — then scores
the alerts the way replay.py does (a
``fact.revised`` is true when its kind and new value, within 5 %, match a gold revision at or
before its step not yet matched; alerts about a named sub-population or a scoped figure are
counted apart). It also compares each article's own totals with the labelled story-totals.
Relevance and copy detection are not involved (every related article is taken as tracked).
Prints per corpus the figures and each false alert; the last line is one JSON object.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from crawler.core.facts import article_totals, read_article
from crawler.core.facts.ledger import Standing
from crawler.core.facts.places import story_places
from crawler.core.facts.revise import AlertPolicy, Origin, revise
from crawler.models import ArticleRef, Fact, Version

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "realnews-dev"
GENERIC = {"people", "persons", "person", "", "individuals", "protesters", "demonstrators",
           "troops", "soldiers", "peacekeepers", "servicemen", "personnel", "forces",
           "military personnel"}  # fmt: skip


VERBOSE = "-v" in sys.argv
NEWEST_FIRST = "--newest-first" in sys.argv


@dataclass
class Alert:
    step: int
    scope: str
    doc: str
    old: Fact
    new: Fact


def load(story: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any], str]:
    arts = [json.loads(line) for line in (story / "articles.jsonl").read_text().splitlines()]
    updates_path = story / "updates.json"
    updates = json.loads(updates_path.read_text()) if updates_path.exists() else []
    gold = json.loads((story / "gold.json").read_text())
    seed = (story / "seed.txt").read_text() if (story / "seed.txt").exists() else ""
    return arts, updates, gold, seed


def seed_places(seed: str) -> frozenset[str]:
    paragraphs = [p.strip() for p in seed.strip().split("\n") if p.strip()]
    return story_places(paragraphs[0] if paragraphs else "", "\n".join(paragraphs[1:]))


def _when(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def replay(story: Path, policy: AlertPolicy) -> tuple[list[Alert], dict[str, int]]:
    arts, updates, _, seed = load(story)
    places = seed_places(seed)
    by_id = {a["id"]: a for a in arts}
    consumed = {u["becomes"] for u in updates}
    events: list[tuple[int, str, str, dict[str, Any]]] = []  # step, published, doc, text source
    for a in arts:
        if a["related"] and a["id"] not in consumed:
            events.append((a["step"], a["published"], a["id"], a))
    for u in updates:
        events.append((u["at_step"], by_id[u["becomes"]]["published"], u["url_of"],
                       by_id[u["becomes"]]))  # fmt: skip
    # within a step, oldest first (replay order) or newest first (as feeds list them, the order
    # one poll's jobs may well be processed in): the alerts should not depend on it
    events.sort(key=lambda e: (e[0], e[1]))
    if NEWEST_FIRST:
        events.sort(key=lambda e: (e[0], [-ord(c) for c in e[1]]))
    standing: dict[str, Standing] = {}
    versions: dict[str, Version] = {}
    alerts: list[Alert] = []
    agree = {"agree": 0, "missed": 0, "extra": 0, "wrong": 0}
    for step, published, doc, source in events:
        facts = read_article(source["title"], source["text"], int(published[:4]), places=places)
        _agreement(source, article_totals(facts), agree)
        before = versions.get(doc)
        number = before.number + 1 if before else 1
        ref = ArticleRef(doc, doc, source["title"], doc, number)
        when = _when(published)
        version = Version(number, str(number), source["title"], source["text"], facts, when,
                          when, when)  # fmt: skip
        changes = revise(Origin(ref, doc), version, before, standing, policy)
        for change in changes.article:
            alerts.append(Alert(step, "article", doc, change.old, change.new))
        for move in changes.story:
            alerts.append(Alert(step, "story", doc, move.before.fact, move.after.fact))
        for moved in changes.standings:
            standing[moved.report.key] = moved
        versions[doc] = version
    return alerts, agree


def _agreement(source: dict[str, Any], totals: dict[str, Fact], agree: dict[str, int]) -> None:
    labelled: dict[str, float] = {}
    for figure in source.get("figures", []):
        if figure["role"] == "story-total":
            labelled[figure["kind"]] = max(labelled.get(figure["kind"], 0), figure["value"])
    ours = {k.split("|")[0]: f.value for k, f in totals.items()
            if k.count("|") == 1 and k.endswith("|people") and f.precise}  # fmt: skip
    for kind in set(labelled) | set(ours):
        if kind in labelled and kind in ours:
            close = abs(labelled[kind] - ours[kind]) <= 0.05 * labelled[kind]
            verdict = "agree" if close else "wrong"
        else:
            verdict = "missed" if kind in labelled else "extra"
        agree[verdict] += 1
        if VERBOSE and verdict != "agree":
            print(
                f"  totals {verdict}: {source['id']} {kind} labelled "
                f"{labelled.get(kind)} ours {ours.get(kind)}"
            )


def score(story: Path, alerts: list[Alert]) -> dict[str, Any]:
    _, _, gold, _ = load(story)
    story_revs = [dict(r, caught=False) for r in gold.get("story_revisions", [])]
    art_revs = [dict(r, caught=False) for r in gold.get("article_revisions", [])]
    true = false = sub = 0
    lines = []
    for alert in alerts:
        matched = False
        for r in art_revs:
            if (not r["caught"] and r["url_of"] == alert.doc and r["kind"] == alert.new.kind
                    and r["step"] <= alert.step and alert.scope == "article"
                    and _within(alert.new.value, r["to"])):  # fmt: skip
                r["caught"] = matched = True
                break
        for r in story_revs:
            if (not r["caught"] and r["kind"] == alert.new.kind and r["step"] <= alert.step
                    and _within(alert.new.value, r["to"])):  # fmt: skip
                r["caught"] = matched = True
                break
        restricted = alert.new.role == "partial" or bool(alert.new.scope)
        tag = (
            "TRUE "
            if matched
            else "sub  "
            if (alert.new.subject not in GENERIC or restricted)
            else "FALSE"
        )
        true += matched
        sub += tag == "sub  "
        false += tag == "FALSE"
        lines.append(f"  {tag} step {alert.step} [{alert.scope}] {alert.new.key}: "
                     f"{alert.old.value:g} -> {alert.new.value:g}  {alert.doc}\n"
                     f"        new: {alert.new.sentence[:200]!r}")  # fmt: skip
    golds = len(story_revs) + len(art_revs)
    return {
        "precision": round(true / (true + false), 3) if true + false else None,
        "true": true, "false": false, "sub": sub,
        "story_caught": sum(r["caught"] for r in story_revs), "story_total": len(story_revs),
        "article_caught": sum(r["caught"] for r in art_revs), "article_total": len(art_revs),
        "alerts_per_gold": round((true + false + sub) / max(1, golds), 2),
        "missed": [f"step {r['step']} {r['kind']} -> {r['to']}" for r in story_revs + art_revs
                   if not r["caught"]],
        "lines": lines,
    }  # fmt: skip


def _within(a: float, b: float) -> bool:
    return abs(a - b) <= 0.05 * max(abs(b), 1)


def main(argv: list[str]) -> int:
    stories = [Path(a) for a in argv if not a.startswith("-") and Path(a).is_dir()] or sorted(
        p for p in SHARED.glob("*") if p.is_dir()
    )
    if "-q" in argv:
        global QUIET
        QUIET = True
    if not stories:
        print(f"no corpora: {SHARED} is absent")
        return 1
    summary = {}
    for story in stories:
        alerts, agree = replay(story, AlertPolicy())
        result = score(story, alerts)
        print(f"== {story.name}: precision {result['precision']} ({result['true']} true, "
              f"{result['false']} false, {result['sub']} sub-population/place); story revisions "
              f"{result['story_caught']}/{result['story_total']}, article revisions "
              f"{result['article_caught']}/{result['article_total']}; "
              f"{result['alerts_per_gold']} alerts per gold revision; "
              f"totals vs labels {agree}")  # fmt: skip
        for line in result.pop("lines"):
            print(line)
        for miss in result["missed"]:
            print(f"  missed: {miss}")
        summary[story.name] = {**result, "totals_vs_labels": agree}
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
