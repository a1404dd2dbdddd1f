"""End-to-end throughput of newswatch against what a user writes instead (issue 11).

A local site in its own process (``bench/e2e_site.py``, 127.0.0.1 only) serves the 123
extraction-benchmark pages x ``--copies`` byte-identical copies and RSS feeds of 50 items
listing them all (25 feeds for the default 10 copies = 1,230 articles). In one invocation,
alternating the order round by round (a b c f, then f c b a, …), it runs:

  (a) ``newswatch run --once``;
  (b) ``newswatch scheduler`` + 2 x ``newswatch worker`` on one store, stopped (SIGTERM) once
      every article is processed and every event delivered (detected from the store);
  (c) the baseline (``bench/e2e_baseline.py``): aiohttp + feedparser + trafilatura in the
      default thread pool + datasketch MinHash LSH + redis-py, in its own process;
  (f) the floor: the baseline's harness with newswatch's pure stages (extraction, facts,
      fingerprint, relevance) in place of trafilatura and datasketch, and no copy index,
      queue, claims or hooks. What it costs per article bounds what (a) can reach here: the
      targets' lines give it as the bound (``"bound"`` in the JSON). The bound of the
      scale-out is what (b) would reach with every CPU of the machine busy at its own CPU
      cost per article (its processes, the store and the site), over (a)'s rate.

Every run has a fresh bundled Valkey and the same configuration: pre-filter off and
``min_relevance = 0`` (every article takes the full path), loopback allowed, ``per_host_delay
= "0s"``, ``per_host_concurrency = 64`` and ``[scheduler] max_queued_per_host = 1000`` (the
whole site is one host: its politeness and fairness caps are opened as for a site you own),
``[worker] max_jobs = --max-jobs`` (the baseline gets the same concurrency), no revisits, one
jsonl hook.

Per variant: articles/s, CPU ms per article (all the variant's processes; the store server's
CPU apart), peak RSS, Redis round trips, commands and bytes per article, events delivered,
duplicates and clusters found, and the checks: every article fetched and judged once, every
event delivered once. How each figure is counted: ``bench/e2e_measure.py`` and
``bench/e2e_runs.py``. The last line is one JSON object with every figure and the issue's
targets, met or not. Exit status 1 when a run failed or a check did not hold (targets not
met are figures, not failures).

    pip install -e '.[bench]'
    python bench/e2e.py [--copies 10] [--rounds 2] [--variants a,b,c,f] [--json-only]
    python bench/e2e.py --copies 1 --rounds 1      # a quick smoke check (well under a minute)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.e2e_report import print_run, print_summary, targets  # noqa: E402
from bench.e2e_runs import VARIANTS, Bench, median_of, run_variant  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "extraction-benchmark"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the extraction-benchmark dir")
    parser.add_argument("--copies", type=int, default=10, help="byte-identical copies per page")
    parser.add_argument("--items", type=int, default=50, help="entries per feed")
    parser.add_argument("--rounds", type=int, default=2, help="rounds, order reversed each time")
    parser.add_argument("--variants", default="a,b,c,f", help="comma-separated subset of a,b,c,f")
    parser.add_argument("--max-jobs", type=int, default=10, help="jobs per worker process")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per run")
    parser.add_argument("--seed", type=int, default=1, help="shuffle of entries over feeds")
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep each run's logs, store (as the run left it: store-at-end/) and alerts here",
    )
    parser.add_argument(
        "--profile", action="store_true", help="attach py-spy to each measured process"
    )
    parser.add_argument("--json-only", action="store_true", help="print only the JSON line")
    args = parser.parse_args()
    args.variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    if unknown := [v for v in args.variants if v not in VARIANTS]:
        parser.error(f"--variants: unknown {unknown}; choose from {', '.join(VARIANTS)}")
    if not (args.data / "html").is_dir():
        parser.error(
            f"--data: {args.data / 'html'} not found; pass the extraction-benchmark "
            "directory of the shared data sets (it holds html/*.html.gz)"
        )
    if args.copies < 1 or args.rounds < 1 or args.items < 1:
        parser.error("--copies, --rounds and --items must be at least 1")
    return args


def start_site(args: argparse.Namespace) -> tuple[subprocess.Popen[str], int, int, int]:
    command = [sys.executable, "-m", "bench.e2e_site", "--data", str(args.data)]
    command += ["--copies", str(args.copies), "--items", str(args.items)]
    site = subprocess.Popen(
        [*command, "--seed", str(args.seed)], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    assert site.stdout is not None
    line = site.stdout.readline().split()  # "port P feeds F articles N"
    if len(line) != 6:
        site.kill()
        raise SystemExit("the bench site did not start (see the lines above)")
    return site, int(line[1]), int(line[3]), int(line[5])


def clean_env() -> dict[str, str]:
    """The environment of the measured processes: no NEWSWATCH_* setting leaks in."""
    return {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}


@dataclass(slots=True)
class Rounds:
    runs: dict[str, list[dict[str, Any]]]
    order: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def run_rounds(args: argparse.Namespace, bench: Bench, base: Path) -> Rounds:
    """Every round, the variants' order reversed in every other one (a b c, c b a, …)."""
    done = Rounds(runs={v: [] for v in args.variants})
    for number in range(1, args.rounds + 1):
        for variant in args.variants if number % 2 else args.variants[::-1]:
            work = base / f"round{number}-{variant}"
            work.mkdir(parents=True, exist_ok=True)
            done.order.append(variant)
            try:
                result = run_variant(bench, variant, work)
            except (RuntimeError, OSError) as exc:
                done.errors.append(f"round {number} ({variant}): {exc}")
                print(done.errors[-1], file=sys.stderr)
                continue
            done.runs[variant].append(result)
            if not args.json_only:
                print_run(number, variant, result)
    return done


def main() -> None:
    args = arguments()
    site, port, feeds, articles = start_site(args)
    base = Path(tempfile.mkdtemp(prefix="nw-e2e-")) if args.keep is None else args.keep
    url = f"http://127.0.0.1:{port}"
    bench = Bench(
        repo=REPO,
        site=url,
        site_pid=site.pid,
        feeds=tuple(f"{url}/feed/{n}.xml" for n in range(feeds)),
        articles=articles,
        max_jobs=args.max_jobs,
        timeout=args.timeout,
        env=clean_env(),
        profile=args.profile,
    )
    machine: dict[str, Any] = {"cpus": os.cpu_count(), "load_before": _load()}
    try:
        done = run_rounds(args, bench, base)
    finally:
        site.kill()
        site.wait()
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    machine["load_after"] = _load()
    medians = {v: median_of(r) for v, r in done.runs.items() if r}
    goals = targets(medians, machine["cpus"] or 1)
    if not args.json_only:
        print_summary(medians, goals, machine)
    setup = {"copies": args.copies, "articles": articles, "feeds": feeds, "items": args.items}
    setup |= {"rounds": args.rounds, "order": "".join(done.order), "max_jobs": args.max_jobs}
    checks_ok = not done.errors and all(m["checks_ok_every_round"] for m in medians.values())
    print(
        json.dumps(
            {
                "setup": setup,
                "machine": machine,
                "variants": {v: _compact(m) for v, m in medians.items()},
                "targets": goals,
                "all_checks_ok": checks_ok,
                "errors": done.errors,
            }
        )
    )
    if not checks_ok:  # a target not met is a measurement; a failed check or run is not
        raise SystemExit(1)


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _compact(median: dict[str, Any]) -> dict[str, Any]:
    figures = {k: v for k, v in median.items() if k != "logs"}
    figures["name"] = VARIANTS[median["variant"]]
    return figures


if __name__ == "__main__":
    main()
