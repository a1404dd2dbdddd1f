"""The baseline of ``bench/e2e.py``: what a user writes instead of newswatch.

Fetch the feeds (aiohttp, one session), parse them (feedparser), then for every entry, at most
``--concurrency`` at a time: fetch the page, extract it with trafilatura (one extraction at
a time, see ``EXTRACTING``) and fingerprint the text (datasketch MinHash, 128 permutations
over word 3-grams) in the default thread pool,
look the fingerprint up in an in-memory datasketch ``MinHashLSH`` (threshold 0.3, as
newswatch's ``duplicate_similarity``) and insert it when it is new, then store the article and
its event in Redis with redis-py (one pipeline: ``HSET`` of the article, ``RPUSH`` of the event
— one round trip) and append the event to a JSON lines file. Lookup and insert happen on the
event loop with no ``await`` between them, so two copies processed at once still make one
cluster.

With ``--stages newswatch`` it is the **floor** of ``bench/e2e.py`` (variant f): the same
harness, but each page goes through newswatch's own pure stages instead of trafilatura and
datasketch — :func:`crawler.stages.article.pipeline.analyse` (extraction, canonical URL, the
first version with its facts, the copy fingerprint) in the default thread pool, as the
article stage runs it, then the relevance judgement against the seed on the event loop, as
the article stage does. Copies are found by the version's content hash in a dict (the bench's
copies are byte-identical). No copy index, queue, claims, hooks or version store: what is
left is what any process running those stages pays, so its CPU per article and its rate
bound what ``newswatch run --once`` can reach on the machine.

Its events carry the members ``bench/e2e.py`` checks (``id``, ``type``, ``article.url``,
``duplicate_of``), like newswatch's ``article.related`` / ``article.duplicate``. The last
line on standard output is one JSON object: articles, duplicates, failures.

    python -m bench.e2e_baseline --feeds URL... --redis URL --out alerts.jsonl
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import re
import threading
from pathlib import Path
from typing import IO, Any

import aiohttp
import feedparser
import redis.asyncio as aioredis
import trafilatura
from datasketch import MinHash, MinHashLSH  # type: ignore[import-untyped]

from crawler.config.sections import FactsConfig
from crawler.core.profile import StoryProfile, judge
from crawler.core.relevance import TermStats
from crawler.errors import ExtractError
from crawler.fetch import FetchResult
from crawler.models import SeedProfile
from crawler.stages.article.pipeline import analyse as analyse_page
from crawler.stages.seed.load import build_profile, read_seed_file

WORD = re.compile(r"\w+")
NUM_PERM = 128
# trafilatura.extract() in several threads at once crashes the process now and then inside
# libxml2 ("double free or corruption", SIGSEGV; trafilatura issues 840 and 925, seen here
# too): the user's fix is one extraction at a time. It costs little, as extraction holds the
# GIL most of the time anyway; fetching, MinHash and Redis still overlap with it.
EXTRACTING = threading.Lock()


def analyse(body: bytes) -> tuple[str, MinHash] | None:
    """trafilatura's text of a page and its MinHash (runs in the default thread pool)."""
    with EXTRACTING:
        text = trafilatura.extract(body)
    if not text:
        return None
    tokens = WORD.findall(text.lower())
    shingles = {" ".join(tokens[i : i + 3]).encode() for i in range(max(len(tokens) - 2, 1))}
    signature = MinHash(num_perm=NUM_PERM)
    signature.update_batch(list(shingles))
    return text, signature


class Floor:
    """newswatch's pure stages on one page (``--stages newswatch``): its text and its content
    hash, or None when it is not an article."""

    def __init__(self, seed: Path) -> None:
        self.seed: SeedProfile = build_profile("floor", read_seed_file(seed))
        self.vocabulary = FactsConfig().vocabulary()
        self.profile = StoryProfile({}, {}, 0.0)

    async def analyse(self, url: str, body: bytes) -> tuple[str, str] | None:
        fetched = FetchResult(url, 200, {"content-type": "text/html"}, body)
        try:
            page = await asyncio.to_thread(
                analyse_page, fetched, self.vocabulary, True, self.seed.places
            )
        except ExtractError:
            return None
        title, text = page.article.title, page.article.text
        terms, names = self.seed.terms, self.seed.entities
        judge(terms, names, self.profile, title, text, TermStats())
        return text, page.version.content_hash


class Baseline:
    def __init__(
        self, store: aioredis.Redis, sink: IO[str], concurrency: int, floor: Floor | None = None
    ) -> None:
        self.store = store
        self.floor = floor
        self.hashes: dict[str, str] = {}
        self.sink = sink
        self.lsh = MinHashLSH(threshold=0.3, num_perm=NUM_PERM)
        self.gate = asyncio.Semaphore(concurrency)
        self.inserted: dict[str, int] = {}
        self.figures = {"articles": 0, "duplicates": 0, "not_articles": 0, "failed": 0}

    async def run(self, session: aiohttp.ClientSession, feeds: list[str]) -> None:
        loop = asyncio.get_running_loop()
        bodies = await asyncio.gather(*(self._get(session, url) for url in feeds))
        parsed = await asyncio.gather(
            *(loop.run_in_executor(None, feedparser.parse, body) for body in bodies)
        )
        links = [entry.link for feed in parsed for entry in feed.entries]
        await asyncio.gather(*(self.article(session, link) for link in links))

    async def article(self, session: aiohttp.ClientSession, url: str) -> None:
        try:
            async with self.gate:
                body = await self._get(session, url)
                if self.floor is not None:
                    page = await self.floor.analyse(url, body)
                else:
                    found = await asyncio.get_running_loop().run_in_executor(None, analyse, body)
        except (aiohttp.ClientError, TimeoutError):
            self.figures["failed"] += 1
            return
        key = hashlib.sha1(url.encode()).hexdigest()
        if self.floor is not None:
            await self._floor_event(key, url, page)
            return
        if found is None:
            self.figures["not_articles"] += 1
            return
        text, signature = found
        matches = self.lsh.query(signature)
        if matches:
            first = min(matches, key=self.inserted.__getitem__)  # the cluster's earliest
            event = {"type": "article.duplicate", "duplicate_of": first}
            self.figures["duplicates"] += 1
        else:
            self.lsh.insert(url, signature)
            self.inserted[url] = len(self.inserted)
            event = {"type": "article.related"}
        event = {"id": f"{event['type']}:{key}", **event, "article": {"url": url}}
        await self._store(key, url, text, event)
        self.figures["articles"] += 1

    async def _floor_event(self, key: str, url: str, page: tuple[str, str] | None) -> None:
        if page is None:
            self.figures["not_articles"] += 1
            return
        text, content = page
        first = self.hashes.setdefault(content, url)
        if first != url:
            event = {"type": "article.duplicate", "duplicate_of": first}
            self.figures["duplicates"] += 1
        else:
            event = {"type": "article.related"}
        event = {"id": f"{event['type']}:{key}", **event, "article": {"url": url}}
        await self._store(key, url, text, event)
        self.figures["articles"] += 1

    async def _store(self, key: str, url: str, text: str, event: dict[str, Any]) -> None:
        line = json.dumps(event)
        async with self.store.pipeline(transaction=False) as pipe:
            verdict = event["type"].split(".")[1]
            pipe.hset(f"base:a:{key}", mapping={"url": url, "text": text, "verdict": verdict})
            pipe.rpush("base:events", line)
            await pipe.execute()
        self.sink.write(line + "\n")
        self.sink.flush()

    @staticmethod
    async def _get(session: aiohttp.ClientSession, url: str) -> bytes:
        async with session.get(url) as response:
            response.raise_for_status()
            return await response.read()


async def main_async(args: argparse.Namespace, sink: IO[str]) -> dict[str, int]:
    store = aioredis.Redis.from_url(args.redis)
    try:
        floor = Floor(args.seed) if args.stages == "newswatch" else None
        baseline = Baseline(store, sink, args.concurrency, floor)
        async with aiohttp.ClientSession() as session:
            await baseline.run(session, args.feeds)
    finally:
        await store.aclose()
    return baseline.figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", nargs="+", required=True)
    parser.add_argument("--redis", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--stages", choices=("baseline", "newswatch"), default="baseline")
    parser.add_argument("--seed", type=Path, help="the story's seed (with --stages newswatch)")
    args = parser.parse_args()
    with open(args.out, "a", encoding="utf-8") as sink:
        print(json.dumps(asyncio.run(main_async(args, sink))), flush=True)


if __name__ == "__main__":
    main()
