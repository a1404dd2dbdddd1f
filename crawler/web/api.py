"""The JSON API under ``/api/`` and the operations endpoints (``/healthz``, ``/readyz``,
``/metrics``). Every answer is read through :mod:`crawler.web.stories`,
:mod:`crawler.web.articles` and :mod:`crawler.overview` — the data the HTML pages show.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from aiohttp import web

from crawler import overview
from crawler.config import StoryConfig
from crawler.errors import ConfigError
from crawler.web import articles, metrics, stories
from crawler.web.context import context

MAX_EVENTS = 500
routes = web.RouteTableDef()


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, default=_default)


def reply(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=dumps)


def find_story(request: web.Request) -> StoryConfig:
    try:
        return context(request).settings.story_by_id(request.match_info["id"])
    except ConfigError as exc:
        raise web.HTTPNotFound(text=str(exc)) from None


def number(request: web.Request, name: str, default: int | None = None) -> int | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit():
        raise web.HTTPBadRequest(text=f"{name}: expected a whole number, got {raw!r}")
    return int(raw)


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    return reply({"status": "ok"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    ctx = context(request)
    ready, checks = await overview.readiness(ctx.store, ctx.roles)
    return reply({"ready": ready, "checks": checks}, 200 if ready else 503)


@routes.get("/metrics")
async def metrics_page(request: web.Request) -> web.Response:
    body = metrics.render(await metrics.snapshot(context(request)))
    return web.Response(body=body, content_type="text/plain", charset="utf-8")


@routes.get("/api/stories")
async def api_stories(request: web.Request) -> web.Response:
    return reply({"stories": await stories.stories(context(request))})


@routes.get("/api/stories/{id}")
async def api_story(request: web.Request) -> web.Response:
    return reply(await stories.story(context(request), find_story(request)))


@routes.get("/api/stories/{id}/timeline")
async def api_timeline(request: web.Request) -> web.Response:
    story = find_story(request)
    return reply({"story": story.id, "facts": await stories.timeline(context(request), story)})


@routes.get("/api/stories/{id}/events")
async def api_events(request: web.Request) -> web.Response:
    """``?after=CURSOR&limit=N``: the story's events after the cursor, oldest first, and
    ``next``, the cursor to pass for the following page (the same when nothing is new)."""
    story = find_story(request)
    limit = min(number(request, "limit", 100) or 100, MAX_EVENTS)
    after = request.query.get("after", "")
    if after and not all(part.isdigit() for part in after.split("-", 1)):
        raise web.HTTPBadRequest(text=f"after: not a cursor from a previous answer: {after!r}")
    store = context(request).store
    found, cursor = await store.readouts.events_after(story.id, after, limit)
    return reply({"story": story.id, "events": found, "next": cursor})


@routes.get("/api/articles")
async def api_article(request: web.Request) -> web.Response:
    url = _url(request)
    try:
        return reply(await articles.article(context(request), url))
    except articles.NotFound as exc:
        raise web.HTTPNotFound(text=str(exc)) from None


@routes.get("/api/articles/diff")
async def api_diff(request: web.Request) -> web.Response:
    """``?url=…&story=…[&from=N&to=M]`` (default: the last two versions)."""
    ctx = context(request)
    story = request.query.get("story") or ctx.settings.story[0].id
    try:
        data, _ = await articles.diff(
            ctx, _url(request), story, number(request, "from"), number(request, "to")
        )
    except (articles.NotFound, ConfigError) as exc:
        raise web.HTTPNotFound(text=str(exc)) from None
    return reply(data)


@routes.get("/api/feeds")
async def api_feeds(request: web.Request) -> web.Response:
    ctx = context(request)
    return reply({"feeds": await overview.feeds(ctx.settings, ctx.store)})


@routes.get("/api/hooks")
async def api_hooks(request: web.Request) -> web.Response:
    ctx = context(request)
    return reply({"hooks": await overview.hooks(ctx.settings, ctx.store)})


def _url(request: web.Request) -> str:
    url = request.query.get("url", "")
    if not url.startswith(("http://", "https://")):
        raise web.HTTPBadRequest(text="url: pass the article's http(s) URL as ?url=…")
    return url


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")
