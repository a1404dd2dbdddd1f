"""The HTML pages: stories, story, article, diff, feeds, hooks. Templates are data
(``crawler/web/templates``, Jinja2 with autoescaping on: everything printed is escaped; the
only markup inserted as is, the SVG charts, escapes its own text in
:mod:`crawler.web.chart`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import jinja2
from aiohttp import web
from markupsafe import Markup

from crawler import overview
from crawler.errors import ConfigError
from crawler.web import articles, stories
from crawler.web.api import find_story, number
from crawler.web.context import context

routes = web.RouteTableDef()
TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("crawler.web", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _link(path: str, **query: Any) -> str:
    return f"{path}?{urlencode({k: v for k, v in query.items() if v is not None})}"


TEMPLATES.globals["link"] = _link


def render(name: str, code: int = 200, **data: Any) -> web.Response:
    html = TEMPLATES.get_template(name).render(**data)
    return web.Response(text=html, status=code, content_type="text/html", charset="utf-8")


@routes.get("/")
async def index(request: web.Request) -> web.Response:
    return render("stories.html", stories=await stories.stories(context(request)))


@routes.get("/stories/{id}")
async def story_page(request: web.Request) -> web.Response:
    data = await stories.story(context(request), find_story(request))
    charts = [Markup(stories.chart(f)) for f in data["facts"]]  # the chart escapes its text
    return render("story.html", story=data, charts=charts)


@routes.get("/article")
async def article_page(request: web.Request) -> web.Response:
    url = request.query.get("url", "")
    try:
        data = await articles.article(context(request), url)
    except articles.NotFound as exc:
        raise web.HTTPNotFound(text=str(exc)) from None
    return render("article.html", article=data)


@routes.get("/diff")
async def diff_page(request: web.Request) -> web.Response:
    ctx = context(request)
    story = request.query.get("story") or ctx.settings.story[0].id
    url = request.query.get("url", "")
    try:
        data, shown = await articles.diff(
            ctx, url, story, number(request, "from"), number(request, "to")
        )
    except (articles.NotFound, ConfigError) as exc:
        raise web.HTTPNotFound(text=str(exc)) from None
    return render("diff.html", diff=data, rows=shown.rows)


@routes.get("/feeds")
async def feeds_page(request: web.Request) -> web.Response:
    ctx = context(request)
    return render("feeds.html", feeds=await overview.feeds(ctx.settings, ctx.store))


@routes.get("/hooks")
async def hooks_page(request: web.Request) -> web.Response:
    ctx = context(request)
    return render("hooks.html", hooks=await overview.hooks(ctx.settings, ctx.store))
