"""Worker processes racing on copies of one story never make two clusters.

Real processes (``newswatch worker --burst``, one job at a time each) on one Redis prefix,
fetching from a local site that holds every response until three requests are in flight at
once: all three processes are judging copies of the same wire story at the same moment, with
no story-wide lock between them (only the claims of :mod:`crawler.store.claims`).
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from aiohttp import web
from arq import create_pool
from arq.connections import RedisSettings

from crawler.store import Store
from crawler.store.clusters import read_clusters
from tests.conftest import SEED_FILE
from tests.localsite import Handler, LocalSite
from tests.newstexts import SYNDICATION_INTRO, SYNDICATION_OUTRO, WIRE, WIRE_TITLE
from tests.processes import burst_workers
from tests.test_clusters import page

COPIES = 6


WORKERS = 3


class Gate:
    """Holds each response until ``WORKERS`` requests are in flight together (bounded wait)."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.most = 0
        self.together = asyncio.Event()

    def handler(self, body: str) -> Handler:
        async def handle(request: web.Request) -> web.Response:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            if self.in_flight >= WORKERS:
                self.together.set()
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.together.wait(), 20)
                return web.Response(text=body, content_type="text/html")
            finally:
                self.in_flight -= 1

        return handle


def _config(tmp_path: Path, redis_url: str, prefix: str) -> Path:
    path = tmp_path / "newswatch.toml"
    path.write_text(
        f'[redis]\nurl = "{redis_url}"\nkey_prefix = "{prefix}"\n'
        f'[storage]\ndata_dir = "{tmp_path / "data"}"\n'
        '[crawler]\nallow_private_addresses = true\nper_host_delay = "0s"\nper_host_concurrency = 8\n'
        '[worker]\nmax_jobs = 1\nretry_delay = "0.2s"\n'
        f'[[story]]\nid = "story"\nseed = "{SEED_FILE}"\nrevisit = ["1h"]\n'
    )
    return path


async def test_three_processes_make_one_cluster(
    site: LocalSite, store: Store, redis_url: str, prefix: str, tmp_path: Path
) -> None:
    gate = Gate()
    urls = []
    for i in range(COPIES):
        headline = WIRE_TITLE if i == 0 else f"Copy {i}: Kazakh ex-spy chief held"
        body = page(headline, [SYNDICATION_INTRO, *WIRE, SYNDICATION_OUTRO] if i else WIRE)
        urls.append(site.route(f"/site{i}/masimov.html", gate.handler(body)))
    queue = await create_pool(
        RedisSettings.from_dsn(redis_url), default_queue_name=store.keys.queue
    )
    try:  # jobs in the positional form earlier versions queued: still taken
        for i, url in enumerate(urls):
            await queue.enqueue_job(
                "process_article", "story", url, -1, "new", _job_id=store.keys.job("race", str(i))
            )
    finally:
        await queue.aclose()

    config = str(_config(tmp_path, redis_url, prefix))
    await burst_workers([config] * WORKERS, cwd=tmp_path)

    assert gate.most >= WORKERS, "the workers never fetched all at the same time"
    emitted = await store.outbox.all_events()
    assert len({e["id"] for e in emitted}) == len(emitted), "an event was emitted twice"
    related = [e for e in emitted if e["type"] == "article.related"]
    copies = [e for e in emitted if e["type"] == "article.duplicate"]
    assert len(related) == 1 and len(copies) == COPIES - 1, emitted
    representative = related[0]["article"]["url"]
    assert {c["duplicate_of"] for c in copies} == {representative}
    clusters = await read_clusters(store.articles, "story", str(SEED_FILE))
    assert len(clusters) == 1
    assert clusters[0].representative.url == representative
    assert sorted(c.url for c in clusters[0].copies) == sorted(set(urls) - {representative})
    members = await store.index.members("story", clusters[0].representative.doc)
    assert len(members) == COPIES - 1
