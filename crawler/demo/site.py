"""Two small news sites on 127.0.0.1 whose content moves on in steps.

* "Steppe Wire" (``wire``): a report on the unrest, later an unrelated city story, later the
  report revised in place (death toll 164 → 225);
* "World Digest" (``digest``): an aggregator that republishes the report with its own
  headline and boilerplate, and later reports a higher death toll of its own (238).
Each site serves an Atom feed (``/feed.xml``) and HTML article pages. Used by ``newswatch
demo`` and by the integration tests.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from aiohttp import web

from crawler.demo import stories

STEPS = (
    "Steppe Wire publishes a report on the unrest",
    "World Digest republishes that report; Steppe Wire adds an unrelated city story",
    "Steppe Wire revises its report in place: the death toll rises from 164 to 225",
    "World Digest reports a higher toll of its own: 238",
    "Nothing changes",
)


@dataclass
class Page:
    path: str
    title: str
    paragraphs: list[str]
    published: str
    updated: str
    intro: str = ""
    outro: str = ""


@dataclass
class Site:
    name: str
    pages: dict[str, Page] = field(default_factory=dict)
    runner: web.AppRunner | None = None
    port: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path


class DemoSite:
    """Both sites; :meth:`advance` moves the story to step ``n`` (1-based)."""

    def __init__(self) -> None:
        self.wire = Site("Steppe Wire")
        self.digest = Site("World Digest")
        self.step = 0

    @property
    def feeds(self) -> list[str]:
        return [self.wire.url("/feed.xml"), self.digest.url("/feed.xml")]

    async def start(self) -> None:
        for site in (self.wire, self.digest):
            app = web.Application()
            app.router.add_get("/feed.xml", _feed_handler(site))
            app.router.add_get("/{path:.*}", _page_handler(site))
            site.runner = web.AppRunner(app, access_log=None)
            await site.runner.setup()
            tcp = web.TCPSite(site.runner, "127.0.0.1", 0)
            await tcp.start()
            site.port = tcp._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for site in (self.digest, self.wire):
            if site.runner is not None:
                await site.runner.cleanup()

    def advance(self, step: int) -> str:
        self.step = step
        report = "/2022/01/09/kazakhstan-unrest-toll.html"
        if step >= 1:
            self.wire.pages[report] = Page(
                report,
                stories.REPORT_TITLE,
                stories.REPORT_V1,
                "2022-01-09T08:00:00Z",
                "2022-01-09T08:00:00Z",
            )
        if step >= 2:
            self.digest.pages["/world/asia/kazakhstan-toll-164"] = Page(
                "/world/asia/kazakhstan-toll-164",
                stories.COPY_TITLE,
                stories.REPORT_V1,
                "2022-01-09T09:30:00Z",
                "2022-01-09T09:30:00Z",
                intro=stories.COPY_INTRO,
                outro=stories.COPY_OUTRO,
            )
            self.wire.pages["/2022/01/11/cycle-lanes.html"] = Page(
                "/2022/01/11/cycle-lanes.html",
                stories.UNRELATED_TITLE,
                stories.UNRELATED,
                "2022-01-11T10:00:00Z",
                "2022-01-11T10:00:00Z",
            )
        if step >= 3:
            self.wire.pages[report] = Page(
                report,
                stories.REPORT_V2_TITLE,
                stories.REPORT_V2,
                "2022-01-09T08:00:00Z",
                "2022-01-15T12:00:00Z",
            )
        if step >= 4:
            self.digest.pages["/world/asia/kazakhstan-toll-238"] = Page(
                "/world/asia/kazakhstan-toll-238",
                stories.RIVAL_TITLE,
                stories.RIVAL,
                "2022-01-16T09:00:00Z",
                "2022-01-16T09:00:00Z",
            )
        return STEPS[step - 1]

    @property
    def rival_url(self) -> str:
        return self.digest.url("/world/asia/kazakhstan-toll-238")

    @property
    def report_url(self) -> str:
        return self.wire.url("/2022/01/09/kazakhstan-unrest-toll.html")

    @property
    def copy_url(self) -> str:
        return self.digest.url("/world/asia/kazakhstan-toll-164")

    @property
    def unrelated_url(self) -> str:
        return self.wire.url("/2022/01/11/cycle-lanes.html")


def _feed_handler(site: Site):  # type: ignore[no-untyped-def]
    async def handler(request: web.Request) -> web.Response:
        entries = "".join(
            f"<entry><id>{site.url(p.path)}</id><title>{html.escape(p.title)}</title>"
            f'<link href="{site.url(p.path)}"/><published>{p.published}</published>'
            f"<updated>{p.updated}</updated>"
            f"<summary>{html.escape(p.paragraphs[0])}</summary></entry>"
            for p in site.pages.values()
        )
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{site.name}</title>'
            f"<id>{site.url('/')}</id><updated>2022-01-15T12:00:00Z</updated>{entries}</feed>"
        )
        return web.Response(text=body, content_type="application/atom+xml")

    return handler


def _page_handler(site: Site):  # type: ignore[no-untyped-def]
    async def handler(request: web.Request) -> web.Response:
        page = site.pages.get("/" + request.match_info["path"])
        if page is None:
            raise web.HTTPNotFound()
        return web.Response(text=render(site, page), content_type="text/html")

    return handler


def render(site: Site, page: Page) -> str:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in page.paragraphs)
    intro = f'<p class="note">{html.escape(page.intro)}</p>' if page.intro else ""
    outro = f'<p class="note">{html.escape(page.outro)}</p>' if page.outro else ""
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(page.title)} | {site.name}</title>"
        f'<link rel="canonical" href="{site.url(page.path)}">'
        f'<meta property="og:title" content="{html.escape(page.title)}">'
        f'<meta property="article:published_time" content="{page.published}">'
        f'<meta property="article:modified_time" content="{page.updated}">'
        f"</head><body><header><nav><a href='/'>{site.name}</a> · World · Asia</nav></header>"
        f"<main><article><h1>{html.escape(page.title)}</h1>{intro}{paragraphs}{outro}</article>"
        f"<aside class='related'><h2>Related</h2><ul><li>Markets today</li></ul></aside></main>"
        f"<footer>© {site.name}</footer></body></html>"
    )
