"""A small news site for scenario tests: an Atom feed and article pages that tests edit.

Modelled on ``crawler/demo/site.py`` but driven by the test: :meth:`Newsroom.publish` puts a
page (new or edited) with its times; the feed entry's ``updated`` stamp follows the page's
``modified`` time unless ``signal=False`` (the publisher edits without saying so in the feed).
Pages carry JSON-LD ``datePublished``/``dateModified``, a ``Last-Modified`` header, and can
carry furniture (an update stamp line, a related-links block, a newsletter prompt).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from email.utils import format_datetime

from aiohttp import web

from crawler.core.extract import parse_date
from tests.localsite import LocalSite


@dataclass
class Page:
    title: str
    paragraphs: list[str]
    published: str
    modified: str
    feed_updated: str
    furniture: list[str] = field(default_factory=list)  # raw HTML inside <article>, after text
    link: str = ""  # the feed entry's link when not the page's own path (e.g. a redirect)
    canonical: str = ""  # the page's canonical path when not its own


class Newsroom:
    def __init__(self, name: str) -> None:
        self.name = name
        self.site = LocalSite()
        self.pages: dict[str, Page] = {}
        self.site.route("/feed.xml", self._feed)

    async def start(self) -> None:
        await self.site.start()

    async def close(self) -> None:
        await self.site.close()

    @property
    def feed_url(self) -> str:
        return self.site.url("/feed.xml")

    @property
    def source(self) -> str:
        return f"127.0.0.1:{self.site.port}"

    def url(self, path: str) -> str:
        return self.site.url(path)

    def publish(
        self,
        path: str,
        title: str,
        paragraphs: list[str],
        published: str,
        modified: str | None = None,
        furniture: list[str] | None = None,
        signal: bool = True,
        link: str = "",
        canonical: str = "",
    ) -> str:
        """Put the page at ``path``; returns its URL."""
        old = self.pages.get(path)
        modified = modified or published
        feed_updated = modified if signal or old is None else old.feed_updated
        self.pages[path] = Page(
            title, paragraphs, published, modified, feed_updated, furniture or [], link, canonical
        )
        self.site.route(path, self._page(path))
        return self.url(path)

    async def _feed(self, request: web.Request) -> web.Response:
        entries = "".join(
            f"<entry><id>{self.url(path)}</id><title>{html.escape(p.title)}</title>"
            f'<link href="{self.url(p.link or path)}"/><published>{p.published}</published>'
            f"<updated>{p.feed_updated}</updated>"
            f"<summary>{html.escape(p.paragraphs[0])}</summary></entry>"
            for path, p in self.pages.items()
        )
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{self.name}</title>'
            f"<id>{self.url('/')}</id><updated>2022-01-20T00:00:00Z</updated>{entries}</feed>"
        )
        return web.Response(text=body, content_type="application/atom+xml")

    def _page(self, path: str):  # type: ignore[no-untyped-def]
        async def handler(request: web.Request) -> web.Response:
            page = self.pages[path]
            modified = parse_date(page.modified)
            headers = {"Last-Modified": format_datetime(modified, usegmt=True)} if modified else {}
            return web.Response(
                text=self.render(path, page), content_type="text/html", headers=headers
            )

        return handler

    def render(self, path: str, page: Page) -> str:
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": page.title,
            "datePublished": page.published,
            "dateModified": page.modified,
        }
        text = "".join(f"<p>{html.escape(p)}</p>" for p in page.paragraphs)
        return (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(page.title)} | {self.name}</title>"
            f'<link rel="canonical" href="{self.url(page.canonical or path)}">'
            f'<script type="application/ld+json">{json.dumps(ld)}</script>'
            f"</head><body><header><nav>{self.name} · World</nav></header>"
            f"<main><article><h1>{html.escape(page.title)}</h1>{text}"
            f"{''.join(page.furniture)}</article></main>"
            f"<footer>© {self.name}</footer></body></html>"
        )
