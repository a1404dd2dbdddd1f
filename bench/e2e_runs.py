"""One measured run of one variant of ``bench/e2e.py``.

Each run gets a fresh work directory and a fresh bundled Valkey server (started here, so it
outlives the processes it serves and its INFO can be read before and after them). The
variant's processes are launched, completion is detected from the store (newswatch) or the
process's exit (the baseline), the processes are stopped (SIGTERM: newswatch drains and exits
0) and reaped, and the figures of :mod:`bench.e2e_measure` and the checks of
:mod:`bench.e2e_check` are taken.

**Done**, for newswatch, is the first probe (every 50 ms, one pipelined round trip of
``HGETALL stats``, ``XLEN events``, ``ZCARD queue``) at which every job has ended (the
``jobs_*`` counters, written as a job's last step, add up to the number of articles), the arq
queue is empty, and the hooks have delivered every event in the outbox (``events_delivered``,
written with the acknowledgement, equals the stream's length). ``run --once`` is then left to
exit by itself; the scheduler and the workers of (b) get SIGTERM. For the baseline, done is its
exit. Articles/s are articles over the time from launching the first process to done.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import statistics
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.e2e_check import check, read_jsonl
from bench.e2e_measure import Launched, Probe, machine_busy, proc_cpu, proc_peak_rss_kb
from bench.e2e_profile import attach, summary
from crawler.store.embedded import EmbeddedValkey
from crawler.store.outbox import decode

VARIANTS = {
    "a": "newswatch run --once",
    "b": "newswatch scheduler + 2 x newswatch worker",
    "c": "baseline: aiohttp + feedparser + trafilatura + datasketch + redis-py",
    "f": "floor: the baseline's harness with newswatch's pure stages (no copy index, queue, hooks)",
}
HARNESSES = ("c", "f")  # run by bench/e2e_baseline.py: done at exit, events in a Redis list
PREFIX = "nw:"
STORY = "bench"
PROBE_EVERY = 0.05
SEED = "config/seeds/kazakhstan-order-restored.txt"


@dataclass(frozen=True, slots=True)
class Bench:
    repo: Path
    site: str  # http://127.0.0.1:PORT
    site_pid: int
    feeds: tuple[str, ...]
    articles: int
    max_jobs: int
    timeout: float
    env: dict[str, str]
    profile: bool = False  # attach py-spy to every measured process


def site_get(bench: Bench, path: str) -> Any:
    with urllib.request.urlopen(bench.site + path, timeout=30) as response:
        body = response.read()
    return json.loads(body) if path == "/_stats" else body


def newswatch_config(bench: Bench, work: Path) -> Path:
    feeds = "".join(f'[[feed]]\nurl = "{url}"\n\n' for url in bench.feeds)
    path = work / "newswatch.toml"
    path.write_text(
        f'[redis]\nurl = ""\nkey_prefix = "{PREFIX}"\n\n'
        f'[storage]\ndata_dir = "{work / "store"}"\n\n'
        "[crawler]\nallow_private_addresses = true\nprefilter = false\n"
        'per_host_delay = "0s"\nper_host_concurrency = 64\n\n'
        f"[worker]\nmax_jobs = {bench.max_jobs}\n\n"
        # the whole bench is one host: its per-host queue cap is opened like its politeness
        "[scheduler]\nmax_queued_per_host = 1000\n\n"
        f'[[story]]\nid = "{STORY}"\nseed = "{bench.repo / SEED}"\n'
        "revisit = []\nmin_relevance = 0\n\n"
        f'{feeds}[[hook]]\ntype = "jsonl"\npath = "{work / "alerts.jsonl"}"\n'
    )
    return path


@contextlib.contextmanager
def fresh_store(work: Path) -> Iterator[tuple[str, int]]:
    server = EmbeddedValkey(work / "store")
    url = server.acquire()
    try:
        yield url, int(json.loads((work / "store" / "server.json").read_text())["pid"])
    finally:
        server.release()


def launch(bench: Bench, variant: str, work: Path, store_url: str) -> list[Launched]:
    python = sys.executable
    if variant in HARNESSES:
        args = [python, "-m", "bench.e2e_baseline", "--redis", store_url]
        args += ["--out", str(work / "alerts.jsonl"), "--concurrency", str(bench.max_jobs)]
        if variant == "f":
            args += ["--stages", "newswatch", "--seed", str(bench.repo / SEED)]
        args += ["--feeds", *bench.feeds]
        return [Launched("baseline", args, bench.repo, work / "baseline.log", bench.env)]
    newswatch = [python, "-m", "crawler.cli", "--config", str(newswatch_config(bench, work))]
    roles = {"a": [("run", ["run", "--once"])]}.get(
        variant, [("scheduler", ["scheduler"]), ("worker1", ["worker"]), ("worker2", ["worker"])]
    )
    return [
        Launched(name, newswatch + role, work, work / f"{name}.log", bench.env)
        for name, role in roles
    ]


def newswatch_done(probe: Probe, articles: int) -> tuple[bool, dict[str, int]]:
    raw, events, queued = probe.batch(
        [("HGETALL", f"{PREFIX}stats"), ("XLEN", f"{PREFIX}events"), ("ZCARD", f"{PREFIX}queue")]
    )
    stats = {k.decode(): int(v) for k, v in raw.items()}
    jobs = sum(v for k, v in stats.items() if k.startswith("jobs_"))
    delivered = stats.get("events_delivered", 0)
    return jobs >= articles and queued == 0 and delivered >= events > 0, stats


def wait_done(
    bench: Bench, variant: str, probe: Probe, processes: list[Launched]
) -> tuple[float, list[tuple[float, float]]]:
    """Monotonic time the run was done (see the module docstring), and (time, CPU seconds of
    the variant's processes) sampled every probe; raises on timeout."""
    deadline = processes[0].started + bench.timeout
    samples: list[tuple[float, float]] = []
    while time.monotonic() < deadline:
        samples.append((time.monotonic(), sum(p.cpu_now() for p in processes)))
        if variant in HARNESSES:
            if processes[0].wait(PROBE_EVERY):
                return processes[0].ended, samples
            continue
        done, _ = newswatch_done(probe, bench.articles)
        if done:
            return time.monotonic(), samples
        if all(p.exited for p in processes):
            return max(p.ended for p in processes), samples
        time.sleep(PROBE_EVERY)
    raise TimeoutError(f"variant {variant} not done after {bench.timeout:.0f} s")


def cpu_at(samples: list[tuple[float, float]], when: float) -> float:
    """The processes' CPU seconds at ``when`` (the last sample taken by then)."""
    return max((cpu for at, cpu in samples if at <= when), default=0.0)


def events_of(variant: str, probe: Probe) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The store's own record of the events (outbox), and newswatch's counters."""
    client: Any = probe.client  # redis-py's sync client is typed as if it were async too
    if variant in HARNESSES:
        return [json.loads(raw) for raw in client.lrange("base:events", 0, -1)], {}
    entries = client.xrange(f"{PREFIX}events", "-", "+")
    stats = client.hgetall(f"{PREFIX}stats")
    return [event for _, fields in entries if (event := decode(fields)) is not None], {
        k.decode(): int(v) for k, v in stats.items()
    }


def _tally(baseline: Launched) -> dict[str, int]:
    try:
        return dict(json.loads(baseline.tail(1)))
    except ValueError:  # it died before its summary (its log says why)
        return {}


@dataclass(frozen=True, slots=True)
class Ran:
    processes: list[Launched]
    done: float
    samples: list[tuple[float, float]]
    profile: dict[str, Any]


def run_processes(bench: Bench, variant: str, work: Path, url: str, probe: Probe) -> Ran:
    """Launch the variant, wait until done, stop and reap every process (and its sampler)."""
    processes = launch(bench, variant, work, url)
    spies = [attach(p.popen.pid, work / f"{p.name}.folded") for p in processes if bench.profile]
    try:
        done, samples = wait_done(bench, variant, probe, processes)
    except TimeoutError as exc:
        tails = "\n".join(f"--- {p.name} ({p.log}):\n{p.tail()}" for p in processes)
        raise RuntimeError(f"{exc}\n{tails}") from exc
    finally:
        if variant != "a":
            for process in processes:
                process.stop()
        for process in processes:
            if not process.wait(bench.timeout):
                process.stop(grace=5.0)
        for spy in spies:
            spy.wait(60)
    profile = summary(sorted(work.glob("*.folded")), top=12) if spies else {}
    return Ran(processes, done, samples, profile)


def run_variant(bench: Bench, variant: str, work: Path) -> dict[str, Any]:
    with fresh_store(work) as (url, store_pid):
        probe = Probe(url, store_pid)
        probe.calibrate()
        site_get(bench, "/_reset")
        site_cpu, busy = proc_cpu(bench.site_pid), machine_busy()
        before = probe.start()
        ran = run_processes(bench, variant, work, url, probe)
        server = probe.delta(before)
        site_cpu, busy = proc_cpu(bench.site_pid) - site_cpu, machine_busy() - busy
        outbox, stats = events_of(variant, probe)
        if variant in HARNESSES:  # the harness's own tally: its last output line
            stats = _tally(ran.processes[0])
        server["peak_rss_kb"] = proc_peak_rss_kb(store_pid)
        server["by_kind"] = probe.memory_by_kind()
        server["overhead"] = probe.overhead()
        keep = work / "store" / "appendonlydir"  # the run's data, kept as it ended (--keep)
        shutil.copytree(keep, work / "store-at-end", dirs_exist_ok=True)
        server["residue"] = probe.residue(before)
        probe.close()
    site = site_get(bench, "/_stats")
    checks = check(site["pages"], outbox, read_jsonl(work / "alerts.jsonl"))
    first = site["first"] or ran.processes[0].started
    timing = {"launched": ran.processes[0].started, "done": ran.done, "first_request": first}
    timing["startup_cpu"] = cpu_at(ran.samples, first)
    return figures(bench, ran.processes, server, timing, site_cpu, busy) | {
        "variant": variant,
        "checks": checks,
        "outcomes": {k: v for k, v in stats.items() if not k.startswith(("entries", "feed"))},
        "profile": ran.profile,
        "logs": {p.name: str(p.log) for p in ran.processes},
    }


def figures(
    bench: Bench,
    processes: list[Launched],
    server: dict[str, Any],
    timing: dict[str, float],
    site_cpu: float,
    busy: float,
) -> dict[str, Any]:
    n = bench.articles
    cpu = sum(p.cpu for p in processes)
    wall = timing["done"] - timing["launched"]
    first = timing["first_request"]
    top = sorted(server["calls"].items(), key=lambda kv: -kv[1])[:10]
    kinds = dict(server["by_kind"])
    stored = server["used_memory"] - server["residue"]
    kinds["(not in keys)"] = stored - sum(kinds.values())
    heavy = sorted(kinds.items(), key=lambda kv: -kv[1])[:10]
    return {
        "articles": n,
        "wall_s": round(wall, 2),
        "exit_s": round(max(p.ended for p in processes) - timing["launched"], 2),
        "startup_s": round(first - timing["launched"], 2),
        "articles_per_s": round(n / wall, 1),
        "steady_articles_per_s": round(n / max(timing["done"] - first, 1e-9), 1),
        "cpu_ms_per_article": round(1000 * cpu / n, 2),
        "startup_cpu_s": round(timing["startup_cpu"], 2),
        "after_startup_cpu_ms_per_article": round(1000 * (cpu - timing["startup_cpu"]) / n, 2),
        "store_cpu_ms_per_article": round(1000 * server["cpu"] / n, 2),
        "site_cpu_ms_per_article": round(1000 * site_cpu / n, 2),
        "other_programs_cpu_s": round(busy - cpu - server["cpu"] - site_cpu, 1),
        "peak_rss_mb": {p.name: round(p.peak_rss_kb / 1024, 1) for p in processes},
        "store_peak_rss_mb": round(server["peak_rss_kb"] / 1024, 1),
        "round_trips_per_article": round(server["round_trips"] / n, 1),
        "reply_writes_per_article": round(server["reply_writes"] / n, 1),
        "commands_per_article": round(server["commands"] / n, 1),
        "redis_bytes_per_article": round(stored / n),
        "redis_used_memory_delta_per_article": round(server["used_memory"] / n),
        "redis_fixed_bytes": server["residue"],
        "redis_bytes_per_article_by_key": {kind: round(used / n) for kind, used in heavy},
        "redis_overhead_bytes_per_article": {
            name: round(used / n) for name, used in server["overhead"].items() if used
        },
        "net_bytes_in_per_article": round(server["net_in"] / n),
        "net_bytes_out_per_article": round(server["net_out"] / n),
        "top_commands_per_article": {name: round(calls / n, 1) for name, calls in top},
        "exit_codes": {p.name: p.returncode for p in processes},
    }


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per figure, the median over a variant's rounds (numbers only; the rest from round 1)."""
    merged = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            merged[key] = round(statistics.median(run[key] for run in runs), 2)
    merged["rounds"] = len(runs)
    merged["checks_ok_every_round"] = all(run["checks"]["ok"] for run in runs)
    return merged
