"""What ``bench/e2e.py`` prints: a line per run, a summary table, the issue's targets."""

from __future__ import annotations

from typing import Any

from bench.e2e_runs import VARIANTS

# issue 11's "Must show"; 3 KB read as 3,000 bytes (the stricter reading)
SINGLE_RATE = 150.0
SINGLE_OVER_BASELINE = 6.0
SCALE_OUT = 1.6
CPU_MS = 8.0
ROUND_TRIPS = 10.0
REDIS_BYTES = 3000


def _ratio(top: float | None, bottom: float | None) -> float | None:
    return round(top / bottom, 2) if top is not None and bottom else None


def _goal(
    target: str, measured: float | None, met: bool, bound: float | None = None
) -> dict[str, Any]:
    """``bound``: the floor's figure (variant f), the best the target's variant can do here."""
    found = {"target": target, "measured": measured, "met": met if measured is not None else None}
    return found | ({"bound": bound} if bound is not None else {})


def targets(medians: dict[str, dict[str, Any]], cpus: int = 1) -> dict[str, dict[str, Any]]:
    """Each target with its measured figure and met / not met (None: not measured), and
    the bound the machine sets where one is measured: the floor's (variant f) figure, and for
    the scale-out (b) with every CPU busy at its own cost per article, over (a)'s rate."""

    def figure(variant: str, key: str) -> float | None:
        return medians[variant][key] if variant in medians else None

    saturated = None  # (b)'s rate with every CPU busy at (b)'s CPU cost per article
    if "b" in medians:
        b = medians["b"]
        cost = b["cpu_ms_per_article"] + b["store_cpu_ms_per_article"]
        saturated = cpus * 1000.0 / (cost + b["site_cpu_ms_per_article"])

    single, scaled = figure("a", "articles_per_s"), figure("b", "articles_per_s")
    floor, floor_cpu = figure("f", "articles_per_s"), figure("f", "cpu_ms_per_article")
    over_base = _ratio(single, figure("c", "articles_per_s"))
    over_single = _ratio(scaled, single)
    goals = {
        "single_articles_per_s": _goal(
            f">= {SINGLE_RATE:.0f}", single, (single or 0) >= SINGLE_RATE, floor
        ),
        "single_over_baseline": _goal(
            f">= {SINGLE_OVER_BASELINE:.0f}x",
            over_base,
            (over_base or 0) >= SINGLE_OVER_BASELINE,
            _ratio(floor, figure("c", "articles_per_s")),
        ),
        "scale_out_over_single": _goal(
            f">= {SCALE_OUT}x",
            over_single,
            (over_single or 0) >= SCALE_OUT,
            _ratio(saturated, single),
        ),
    }
    for variant in ("a", "b"):
        cpu = figure(variant, "cpu_ms_per_article")
        trips = figure(variant, "round_trips_per_article")
        stored = figure(variant, "redis_bytes_per_article")
        goals[f"{variant}_cpu_ms_per_article"] = _goal(
            f"<= {CPU_MS}", cpu, (cpu or 0) <= CPU_MS, floor_cpu
        )
        goals[f"{variant}_round_trips_per_article"] = _goal(
            f"<= {ROUND_TRIPS:.0f}", trips, (trips or 0) <= ROUND_TRIPS
        )
        goals[f"{variant}_redis_bytes_per_article"] = _goal(
            f"<= {REDIS_BYTES}", stored, (stored or 0) <= REDIS_BYTES
        )
    return goals


def _checks(checks: dict[str, Any]) -> str:
    if checks["ok"]:
        return "checks ok"
    failed = [
        name for name in ("fetched_once", "judged_once", "delivered_once") if not checks[name]
    ]
    return "CHECKS FAILED: " + ", ".join(failed) + f" {checks}"


def print_run(number: int, variant: str, run: dict[str, Any]) -> None:
    rss = max(run["peak_rss_mb"].values())
    checks = run["checks"]
    print(
        f"round {number} ({variant}) {VARIANTS[variant]}\n"
        f"    {run['articles']} articles in {run['wall_s']} s = {run['articles_per_s']}/s "
        f"(startup {run['startup_s']} s, then {run['steady_articles_per_s']}/s; "
        f"all exited at {run['exit_s']} s)\n"
        f"    CPU {run['cpu_ms_per_article']} ms/article ({run['startup_cpu_s']} s of it before "
        f"the first request, {run['after_startup_cpu_ms_per_article']} ms/article after), "
        f"store {run['store_cpu_ms_per_article']} ms/article apart, site "
        f"{run['site_cpu_ms_per_article']}; other programs "
        f"{run['other_programs_cpu_s']} CPU s; peak RSS {rss} MB (store "
        f"{run['store_peak_rss_mb']} MB)\n"
        f"    Redis per article: {run['round_trips_per_article']} round trips "
        f"({run['reply_writes_per_article']} reply writes), {run['commands_per_article']} "
        f"commands, {run['redis_bytes_per_article']} bytes stored (used_memory "
        f"{run['redis_used_memory_delta_per_article']} with the fixed "
        f"{run['redis_fixed_bytes']:,} bytes that stay once the keys are gone)\n"
        f"    top commands per article: {run['top_commands_per_article']}\n"
        f"    stored bytes per article by key: {run['redis_bytes_per_article_by_key']}\n"
        f"    outside the keys: {run['redis_overhead_bytes_per_article']}\n"
        f"    events: {checks['events_emitted']} emitted, {checks['events_delivered']} delivered "
        f"({checks['events_by_type']}), {checks['duplicates']} duplicates, "
        f"{checks['clusters']} clusters; {_checks(checks)}; exit {run['exit_codes']}",
        flush=True,
    )
    for title, rows in run.get("profile", {}).items():
        shares = ", ".join(f"{name} {share}%" for name, share in rows)
        print(f"    profile, {title} share of samples: {shares}", flush=True)


def print_summary(
    medians: dict[str, dict[str, Any]], goals: dict[str, dict[str, Any]], machine: dict[str, Any]
) -> None:
    print(
        f"\nmedians over rounds; {machine['cpus']} CPUs, load {machine['load_before']} before, "
        f"{machine['load_after']} after"
    )
    header = (
        "",
        "art/s",
        "CPU ms/a",
        "store ms/a",
        "RSS MB",
        "trips/a",
        "cmds/a",
        "bytes/a",
        "events",
        "dups",
    )
    print("{:<4}{:>8}{:>10}{:>11}{:>8}{:>9}{:>8}{:>9}{:>8}{:>6}".format(*header))
    for variant, m in medians.items():
        print(
            f"({variant}) {m['articles_per_s']:>8}{m['cpu_ms_per_article']:>10}"
            f"{m['store_cpu_ms_per_article']:>11}{max(m['peak_rss_mb'].values()):>8}"
            f"{m['round_trips_per_article']:>9}{m['commands_per_article']:>8}"
            f"{m['redis_bytes_per_article']:>9}{m['checks']['events_delivered']:>8}"
            f"{m['checks']['duplicates']:>6}"
        )
    for name, goal in goals.items():
        verdict = {True: "met", False: "NOT met", None: "not measured"}[goal["met"]]
        bound = f" (bound {goal['bound']})" if "bound" in goal else ""
        print(f"  {name:<30} {goal['target']:>8}  measured {goal['measured']}: {verdict}{bound}")
