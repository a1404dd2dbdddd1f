"""``/metrics``: a Prometheus exposition built at scrape time from what the roles keep in
Redis, so it is right whichever process serves it (``serve`` usually runs apart from the
scheduler and the workers).

:func:`snapshot` reads everything (I/O); :class:`StoreCollector` turns a snapshot into metric
families (pure); :func:`render` is the text a scrape gets. When the store cannot be read the
exposition still answers, with ``newswatch_store_up 0`` and this process's failed reads.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from redis.exceptions import RedisError

from crawler import overview
from crawler.store.readouts import Latency
from crawler.web.context import Context

# {p}stats counters shown as one family each, by the prefix of their names
GROUPED = {
    "entries_": ("newswatch_entries", "Feed entries seen, by what became of them"),
    "articles_": ("newswatch_articles", "Articles judged, by verdict"),
    "jobs_": ("newswatch_jobs", "Article jobs finished, by outcome"),
}


@dataclass(frozen=True, slots=True)
class Snapshot:
    up: bool
    store_errors: int  # counted by the roles in Redis + this process's failed reads
    stats: dict[str, int] = field(default_factory=dict)
    feeds: list[dict[str, Any]] = field(default_factory=list)
    queue: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    hooks: list[dict[str, Any]] = field(default_factory=list)
    latency: Latency | None = None
    heartbeats: dict[str, int] = field(default_factory=dict)


async def snapshot(ctx: Context) -> Snapshot:
    store = ctx.store
    try:
        stats = await store.stats()
        fresh = await store.heartbeats.fresh(time.time())
        return Snapshot(
            up=True,
            store_errors=stats.get("store_errors", 0) + ctx.store_errors,
            stats=stats,
            feeds=await overview.feeds(ctx.settings, store),
            queue=await overview.queue(store),
            events=await store.readouts.events_by_type(),
            hooks=await overview.hooks(ctx.settings, store),
            latency=await store.readouts.job_latency(),
            heartbeats={role: len(p) for role, p in fresh.items()},
        )
    except (RedisError, OSError):
        ctx.store_errors += 1
        return Snapshot(up=False, store_errors=ctx.store_errors)


def render(snap: Snapshot) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(snap))
    return generate_latest(registry)


class StoreCollector(Collector):
    def __init__(self, snap: Snapshot) -> None:
        self._snap = snap

    def collect(self) -> Iterator[Metric]:
        snap = self._snap
        yield GaugeMetricFamily("newswatch_store_up", "1 when the store answered", snap.up)
        errors = CounterMetricFamily("newswatch_store_errors", "Store errors seen")
        errors.add_metric([], snap.store_errors)
        yield errors
        if not snap.up:
            return
        yield from _feed_metrics(snap.feeds)
        yield from _counter_metrics(snap.stats)
        yield from _queue_metrics(snap.queue, snap.heartbeats)
        events = CounterMetricFamily("newswatch_events", "Events emitted, by type", labels=["type"])
        for kind, count in sorted(snap.events.items()):
            events.add_metric([kind], count)
        yield events
        yield from _delivery_metrics(snap.hooks)
        if snap.latency is not None:
            yield _histogram(snap.latency)


def _feed_metrics(feeds: list[dict[str, Any]]) -> Iterator[Metric]:
    polls = CounterMetricFamily("newswatch_feed_polls", "Feed polls", labels=["feed"])
    errors = CounterMetricFamily(
        "newswatch_feed_poll_errors", "Feed polls that failed", labels=["feed"]
    )
    failing = GaugeMetricFamily(
        "newswatch_feed_failures_in_a_row", "Consecutive failed polls", labels=["feed"]
    )
    for feed in feeds:
        polls.add_metric([feed["url"]], feed["polls"])
        errors.add_metric([feed["url"]], feed["poll_errors"])
        failing.add_metric([feed["url"]], feed["failures"])
    yield from (polls, errors, failing)


def _counter_metrics(stats: dict[str, int]) -> Iterator[Metric]:
    for prefix, (name, doc) in GROUPED.items():
        family = CounterMetricFamily(name, doc, labels=["outcome"])
        for key, value in sorted(stats.items()):
            if key.startswith(prefix):
                family.add_metric([key.removeprefix(prefix)], value)
        yield family
    for key, doc in (
        ("versions", "Article versions stored"),
        ("events_delivered", "Events delivered by the hooks"),
    ):
        family = CounterMetricFamily(f"newswatch_{key}", doc)
        family.add_metric([], stats.get(key, 0))
        yield family


def _queue_metrics(queue: dict[str, int], beats: dict[str, int]) -> Iterator[Metric]:
    yield GaugeMetricFamily("newswatch_queue_depth", "Jobs queued", queue["queued_jobs"])
    yield GaugeMetricFamily("newswatch_revisits_due", "Revisits due now", queue["revisits_due"])
    yield GaugeMetricFamily(
        "newswatch_revisits_pending", "Revisits scheduled", queue["revisits_pending"]
    )
    alive = GaugeMetricFamily(
        "newswatch_processes", "Processes with a fresh heartbeat", labels=["role"]
    )
    for role in ("scheduler", "worker"):
        alive.add_metric([role], beats.get(role, 0))
    yield alive


def _delivery_metrics(hooks: list[dict[str, Any]]) -> Iterator[Metric]:
    done = CounterMetricFamily(
        "newswatch_deliveries", "Events a hook finished with", labels=["hook", "outcome"]
    )
    waiting = GaugeMetricFamily(
        "newswatch_deliveries_waiting", "Events a hook has not finished", labels=["hook", "state"]
    )
    for hook in hooks:
        done.add_metric([hook["name"], "delivered"], hook["delivered"])
        done.add_metric([hook["name"], "filtered"], hook["filtered"])
        done.add_metric([hook["name"], "dead"], hook["dead"])
        waiting.add_metric([hook["name"], "pending"], hook["pending"])
        waiting.add_metric([hook["name"], "retrying"], 1 if hook["retrying"] else 0)
    yield from (done, waiting)


def _histogram(latency: Latency) -> Metric:
    cumulative, buckets = 0, []
    for bound, count in latency.buckets:
        cumulative += count
        buckets.append(("+Inf" if bound == float("inf") else repr(bound), cumulative))
    family = HistogramMetricFamily(
        "newswatch_job_duration_seconds", "Duration of article job attempts"
    )
    family.add_metric([], buckets, latency.total)
    return family
