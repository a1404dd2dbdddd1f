"""Soak benchmark: N simulated days of a growing site, Redis memory per day and per key family.

Every simulated day, ``--feeds`` feeds publish ``--entries`` new entries each; ``--related``
of them belong to the story. What the scheduler and the workers write for them is written
through the same store methods they use, at the simulated time (the clock is a parameter):

* every entry: the poll's transaction (seen entry, term counts, counters; ``save_poll``)
  and the feed read (``seen_entries``, which carries live entries over);
* an unrelated one: its link alias and unrelated verdict;
* a related one: alias, tracked article + version 1 (≈ 600 words, with facts), copy-index
  entries (real MinHash fingerprint), ``article.related`` event, first revisit; a third of
  them get a second version the same day (``article.updated``). Revisits run that day;
* a hook consumes and acknowledges every event (the outbox's delivered point moves).

Two stores on one server, under two key prefixes, get the same days: *policy* runs the
retention sweep (``crawler.runtime.retention``) at the end of each day with a short policy (flags
below, scaled so it bites within the run), *baseline* never sweeps. Fetching, extraction and
judging are not simulated (``bench/poll.py`` and the tests cover them); the fact timeline is
capped by its own store and left out. Per day: bytes per family (``crawler.store.usage``);
at the end the slope (bytes/day, least squares) over the last ``--tail`` days of each, and the
policy's peak per generation. Generations make the policy's curve a saw-tooth (a family
grows for one period, then its old half is dropped), so the slope is taken over whole
periods. The policy's memory levels off; the baseline grows linearly. Last line: one JSON
object.

    python bench/soak.py [--days 60] [--feeds 20] [--entries 100] [--related 0.1]
        [--retention 10d] [--archive 20d] [--entries-ttl 10d] [--events 10d] [--redis-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.config import Settings, settings_from_mapping
from crawler.core import events
from crawler.core.dedup import fingerprint
from crawler.core.facts import extract_facts
from crawler.core.relevance import terms
from crawler.core.text import content_hash
from crawler.durations import parse_duration
from crawler.models import ArticleRef, Decision, Version
from crawler.runtime.retention import Retention
from crawler.store import FeedState, Revisit, Store, TrackedArticle, url_doc, usage
from crawler.store.embedded import EmbeddedValkey
from crawler.store.polls import PollWrites, save_poll, seen_field

DAY = 86400.0
SEED = Path(__file__).resolve().parents[1] / "config" / "seeds" / "kazakhstan-order-restored.txt"
WORDS = (
    "council minister police city river school market border army court election water road "
    "price power storm village hospital union strike bank report protest region harvest trade "
    "airport budget bridge factory farmers teachers doctors workers official spokesman capital"
).split()
FACTS = (
    "At least {n} people were killed and {m} injured, officials said.",
    "Police said {n} people had been arrested after the clashes.",
)
HOOK = "soak-hook"


def _settings(url: str, prefix: str, args: argparse.Namespace) -> Settings:
    return settings_from_mapping(
        {
            "redis": {"url": url, "key_prefix": prefix},
            "story": [{"id": "story", "seed": str(SEED), "revisit": ["10m", "1h", "6h", "24h"]}],
            "retention": {
                "articles": args.retention,
                "archive": args.archive,
                "entries": args.entries_ttl,
                "events": args.events,
            },
        }
    )


def _text(rng: random.Random, words: int) -> str:
    sentences = [" ".join(rng.choices(WORDS, k=12)).capitalize() + "." for _ in range(words // 12)]
    fact = rng.choice(FACTS).format(n=rng.randint(2, 400), m=rng.randint(2, 900))
    return " ".join([*sentences[:3], fact, *sentences[3:]])


class Site:
    """The simulated site, writing one day at a time into one store."""

    def __init__(self, store: Store, args: argparse.Namespace) -> None:
        self.store = store
        self.args = args
        self.rng = random.Random(7)  # the same days for both stores

    async def day(self, day: int, start: float) -> None:
        for feed in range(self.args.feeds):
            await self._feed(day, feed, start + feed * DAY / self.args.feeds / 2)
        await self.store.schedule.done_revisits(await self.store.schedule.due_revisits(start + DAY))
        delivered = await self.store.outbox.read(HOOK, "soak", count=100_000)
        await self.store.outbox.ack(HOOK, [d.entry_id for d in delivered])

    async def _feed(self, day: int, feed: int, when: float) -> None:
        url = f"https://feeds{feed}.example/rss"
        links = [f"https://site{feed}.example/{day}/{e}" for e in range(self.args.entries)]
        titles = [" ".join(self.rng.choices(WORDS, k=8)) for _ in links]
        fields = [seen_field("story", url_doc(link)) for link in links]
        await self.store.schedule.seen_entries(fields)
        stamp = datetime.fromtimestamp(when, UTC).isoformat()
        writes = PollWrites(
            seen=dict.fromkeys(fields, stamp),
            learn=[set(terms(t)) for t in titles],
            counts={"feeds_polled": 1, "entries_new": len(links)},
        )
        await save_poll(self.store, url, FeedState(), when + 600, writes)
        for link, title in zip(links, titles, strict=True):
            if self.rng.random() < self.args.related:
                await self._related(link, title, when)
            else:
                await self._unrelated(link, title)

    async def _unrelated(self, link: str, title: str) -> None:
        doc = url_doc(link)
        async with self.store.transaction() as pipe:
            self.store.articles.queue_alias(pipe, "story", doc, doc)
            self.store.articles.queue_verdict(pipe, "story", doc, "unrelated", content_hash(title))
            await pipe.execute()

    async def _related(self, link: str, title: str, when: float) -> None:
        doc, store = url_doc(link), self.store
        text = _text(self.rng, 600)
        first = _version(1, title, text, when)
        article = TrackedArticle(
            "story", doc, link, link, title, link.split("/")[2], "related", "", 1,
            first.content_hash, first.fetched_at.isoformat(), 0.4,
        )  # fmt: skip
        ref = ArticleRef(link, link, title, article.source, 1)
        async with store.transaction() as pipe:
            store.articles.queue_alias(pipe, "story", doc, doc)
            store.articles.queue_track(pipe, article, first)
            store.index.queue_add(pipe, "story", doc, fingerprint(text))
            store.outbox.queue_add(pipe, [events.related("story", ref, Decision("related", 0.4))])
            store.schedule.queue_revisit(pipe, Revisit("story", link, 0), when + 600)
            if self.rng.random() < 1 / 3:
                second = _version(2, title, text + " " + _text(self.rng, 60), when + 3600)
                store.articles.queue_version(pipe, "story", doc, second)
                hashes = (first.content_hash, second.content_hash)
                change = events.updated("story", ref, 1, hashes, ("added",), ())
                store.outbox.queue_add(pipe, [change])
            await pipe.execute()


def _version(number: int, title: str, text: str, when: float) -> Version:
    fetched = datetime.fromtimestamp(when, UTC)
    return Version(
        number, content_hash(f"{title}\n{text}"), title, text, extract_facts(text), fetched
    )


async def _run(args: argparse.Namespace, url: str) -> dict[str, Any]:
    stamp = int(time.time())
    policy = await Store.connect(url, f"soak{stamp}p:")
    baseline = await Store.connect(url, f"soak{stamp}b:")
    retention = Retention(_settings(url, policy.keys.prefix, args), policy)
    sites = {"policy": Site(policy, args), "baseline": Site(baseline, args)}
    for store in (policy, baseline):
        await store.outbox.ensure_group(HOOK)
    start, days, per_family = time.time(), [], {}
    for day in range(args.days):
        when = start + day * DAY
        row: dict[str, Any] = {"day": day + 1}
        for name, site in sites.items():
            await site.day(day, when)
            if name == "policy":
                await retention.sweep(when + DAY)
            found = await usage.families(site.store.redis, site.store.keys.prefix)
            row[name] = sum(f.bytes for f in found.values())
            per_family[name] = {k: f.bytes for k, f in found.items()}
        days.append(row)
        top = ", ".join(f"{k} {v / 1024:.0f}" for k, v in list(per_family["policy"].items())[:7])
        print(
            f"day {day + 1:3d}  policy {row['policy'] / 2**20:7.2f} MiB  baseline "
            f"{row['baseline'] / 2**20:7.2f} MiB   policy KiB by family: {top}",
            flush=True,
        )
    for store in (policy, baseline):
        await _clean(store)
        await store.close()
    return {"days": days, "families": per_family, "server": await _server_memory(url)}


async def _clean(store: Store) -> None:
    keys = [k async for k in store.redis.scan_iter(match=f"{store.keys.prefix}*", count=1000)]
    for i in range(0, len(keys), 1000):
        await store.redis.delete(*keys[i : i + 1000])


async def _server_memory(url: str) -> int:
    store = await Store.connect(url, "x:")
    used = (await usage.memory(store.redis))["used"]
    await store.close()
    return used


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (x, y) points."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    num = sum((x - mean_x) * (y - mean_y) for x, y in points)
    den = sum((x - mean_x) ** 2 for x, _ in points) or 1.0
    return num / den


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    if args.redis_url:
        return await _run(args, args.redis_url)
    with tempfile.TemporaryDirectory(prefix="nw-soak-") as tmp:
        server = EmbeddedValkey(Path(tmp))
        url = await asyncio.to_thread(server.acquire)
        try:
            return await _run(args, url)
        finally:
            await asyncio.to_thread(server.release)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--entries", type=int, default=100, help="new entries per feed a day")
    parser.add_argument("--related", type=float, default=0.1)
    parser.add_argument("--retention", default="10d", help="[retention] articles")
    parser.add_argument("--archive", default="20d", help="[retention] archive")
    parser.add_argument("--entries-ttl", default="10d", help="[retention] entries")
    parser.add_argument("--events", default="10d", help="[retention] events")
    parser.add_argument(
        "--tail",
        type=int,
        default=0,
        help="days the slope is taken over (default: 3 generations of --entries-ttl, at most "
        "half the run; the generations make a saw-tooth, so whole periods are compared)",
    )
    parser.add_argument("--redis-url", default=None)
    args = parser.parse_args()
    started = time.perf_counter()
    figures = asyncio.run(main_async(args))
    period = max(1, round(parse_duration(args.entries_ttl) / DAY))
    tail = args.tail or min(3 * period, args.days // 2)
    days = figures["days"][-tail:]
    peaks = [
        max(d["policy"] for d in figures["days"][i : i + period])
        for i in range(len(figures["days"]) - tail, len(figures["days"]), period)
    ]
    slopes = {n: slope([(d["day"], d[n]) for d in days]) for n in ("policy", "baseline")}
    last = figures["days"][-1]
    print(
        f"slope over the last {len(days)} days: policy {slopes['policy'] / 1024:+.1f} KiB/day, "
        f"baseline {slopes['baseline'] / 1024:+.1f} KiB/day (no retention, same days); "
        f"policy peak per {period}-day generation: "
        + ", ".join(f"{p / 2**20:.2f} MiB" for p in peaks)
    )
    print(
        json.dumps(
            {
                "days": args.days,
                "entries_per_day": args.feeds * args.entries,
                "related_share": args.related,
                "policy": {k: getattr(args, k) for k in ("retention", "archive", "events")}
                | {"entries": args.entries_ttl},
                "bytes_last_day_policy": last["policy"],
                "bytes_last_day_baseline": last["baseline"],
                "slope_bytes_per_day_policy": round(slopes["policy"]),
                "slope_bytes_per_day_baseline": round(slopes["baseline"]),
                "slope_days": len(days),
                "policy_peak_bytes_per_generation": peaks,
                "policy_bytes_by_family": figures["families"]["policy"],
                "baseline_bytes_by_family": figures["families"]["baseline"],
                "levels_off": abs(slopes["policy"]) < 0.05 * slopes["baseline"],
                "wall_s": round(time.perf_counter() - started, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
