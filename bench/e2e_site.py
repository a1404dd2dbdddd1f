"""The local news site of ``bench/e2e.py``, run in its own process on 127.0.0.1.

It serves the extraction-benchmark pages (read from ``../shared`` at start, never copied) ×
``copies`` byte-identical copies at ``/c{copy}/{page}.html``, and RSS 2.0 feeds of ``items``
entries each at ``/feed/{n}.xml`` listing them all (a seeded shuffle spreads the copies of one
page over the feeds). Pages go out gzip-compressed when the client accepts it (the files are
gzip already: the site spends nothing on compression, clients decompress as on the real web).
``/robots.txt`` allows everything.

It counts every GET of a page and a feed, and keeps the monotonic times (system-wide on Linux,
so comparable with the bench's clock) of the first and the last request since the last
``/_reset``. ``/_stats`` returns the counts as JSON; ``/_reset`` clears them.

    python -m bench.e2e_site --data DIR --copies N --items 50 [--seed 1]

prints ``port N`` once it listens, then serves until killed.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import html
import random
import re
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path
from xml.sax.saxutils import escape

from aiohttp import web

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
ROBOTS = "User-agent: *\nAllow: /\n"


@dataclass(frozen=True, slots=True)
class Page:
    name: str
    gz: bytes
    raw: bytes
    title: str


@dataclass(slots=True)
class Counts:
    pages: dict[str, int] = field(default_factory=dict)
    feeds: dict[str, int] = field(default_factory=dict)
    first: float | None = None
    last: float | None = None

    def hit(self, table: dict[str, int], path: str) -> None:
        now = time.monotonic()
        self.first = now if self.first is None else self.first
        self.last = now
        table[path] = table.get(path, 0) + 1


def load_pages(data: Path) -> list[Page]:
    """The benchmark pages, sorted by file name (a stable order for every run)."""
    pages = []
    for path in sorted((data / "html").glob("*.html.gz")):
        gz = path.read_bytes()
        raw = gzip.decompress(gz)
        found = _TITLE.search(raw)
        title = html.unescape(found.group(1).decode("utf-8", "replace")).strip() if found else ""
        pages.append(Page(path.name.removesuffix(".html.gz"), gz, raw, " ".join(title.split())))
    return pages


def article_paths(pages: list[Page], copies: int) -> list[tuple[str, Page]]:
    return [(f"/c{copy}/{page.name}.html", page) for copy in range(copies) for page in pages]


def feed_documents(articles: list[tuple[str, Page]], items: int, port: int, seed: int) -> list[str]:
    """RSS 2.0 documents of ``items`` entries each covering every article once."""
    order = list(articles)
    random.Random(seed).shuffle(order)
    base = f"http://127.0.0.1:{port}"
    stamp = time.time() - 86_400
    documents = []
    for start in range(0, len(order), items):
        number = start // items
        entries = []
        for offset, (path, page) in enumerate(order[start : start + items]):
            when = formatdate(stamp + 60 * (start + offset), usegmt=True)
            title = escape(page.title or path)
            entries.append(
                f"<item><title>{title}</title><link>{base}{path}</link>"
                f"<guid>{base}{path}</guid><pubDate>{when}</pubDate>"
                f"<description>{title}</description></item>"
            )
        documents.append(
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Bench feed {number}</title><link>{base}/</link>"
            f"<description>local bench feed</description>{''.join(entries)}</channel></rss>"
        )
    return documents


def build_app(pages: dict[str, Page], feeds: list[str], counts: list[Counts]) -> web.Application:
    async def page(request: web.Request) -> web.Response:
        found = pages.get(request.path)
        if found is None:
            raise web.HTTPNotFound()
        counts[0].hit(counts[0].pages, request.path)
        headers = {"Content-Type": "text/html; charset=utf-8"}
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            headers["Content-Encoding"] = "gzip"
            return web.Response(body=found.gz, headers=headers)
        return web.Response(body=found.raw, headers=headers)

    async def feed(request: web.Request) -> web.Response:
        number = int(request.match_info["n"])
        if not 0 <= number < len(feeds):
            raise web.HTTPNotFound()
        counts[0].hit(counts[0].feeds, request.path)
        return web.Response(text=feeds[number], content_type="application/rss+xml")

    async def robots(request: web.Request) -> web.Response:
        return web.Response(text=ROBOTS)

    async def stats(request: web.Request) -> web.Response:
        now = counts[0]
        return web.json_response(
            {
                "pages": {path: now.pages.get(path, 0) for path in pages},
                "feeds": now.feeds,
                "first": now.first,
                "last": now.last,
            }
        )

    async def reset(request: web.Request) -> web.Response:
        counts[0] = Counts()
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/robots.txt", robots)
    app.router.add_get("/feed/{n:\\d+}.xml", feed)
    app.router.add_get("/_stats", stats)
    app.router.add_get("/_reset", reset)
    app.router.add_get("/{path:.+}", page)  # any other path: a page or 404
    return app


async def serve(data: Path, copies: int, items: int, seed: int) -> None:
    articles = article_paths(load_pages(data), copies)
    counts = [Counts()]
    feeds: list[str] = []
    runner = web.AppRunner(build_app(dict(articles), feeds, counts), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    port = int(runner.addresses[0][1])
    feeds.extend(feed_documents(articles, items, port, seed))
    print(f"port {port} feeds {len(feeds)} articles {len(articles)}", flush=True)
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(serve(args.data, args.copies, args.items, args.seed))


if __name__ == "__main__":
    main()
