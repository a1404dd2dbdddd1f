"""The aiohttp application: routes, a bearer-token guard, error pages, and serving it.

Start-up and shut-down are explicit: :func:`serving` binds, yields, and unbinds in reverse
order; ``newswatch serve`` wraps it in the store (:func:`crawler.runtime.open_store`) and
runs until SIGINT/SIGTERM. With a token configured, every path but ``/healthz`` needs
``Authorization: Bearer TOKEN``; a browser can open ``/?token=TOKEN`` once, which sets a
cookie (HttpOnly, SameSite=Strict) and redirects to the page without the token.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web
from redis.exceptions import RedisError

from crawler.config import Settings, http_listen
from crawler.errors import NewswatchError, StoreError
from crawler.store import Store
from crawler.web import api, pages
from crawler.web.context import CONTEXT, Context, context

log = logging.getLogger(__name__)

COOKIE = "newswatch_token"
OPEN_PATHS = frozenset({"/healthz"})
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def create_app(
    settings: Settings, store: Store, roles: tuple[str, ...] | None = None
) -> web.Application:
    app = web.Application(middlewares=[_errors, _guard])
    ctx = Context(settings, store)
    if roles is not None:
        ctx.roles = roles
    app[CONTEXT] = ctx
    app.add_routes(api.routes)
    app.add_routes(pages.routes)
    return app


@contextlib.asynccontextmanager
async def serving(settings: Settings, store: Store, listen: str | None) -> AsyncIterator[str]:
    """Serve the app on ``listen`` (else ``[http] listen``, else 127.0.0.1:8787); yields the
    base URL. The port may be 0 (any free port; the URL tells which)."""
    host, port = http_listen(settings, listen)
    runner = web.AppRunner(create_app(settings, store), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            raise NewswatchError(f"cannot listen on {host}:{port}: {exc}") from exc
        bound = runner.addresses[0][1]
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{bound}"
        log.info("web view on %s/", url)
        yield url
    finally:
        await runner.cleanup()


@web.middleware
async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    token = context(request).settings.http.token
    if not token or request.path in OPEN_PATHS:
        return await handler(request)
    offered = request.query.get("token")
    if offered is not None and _same(offered, token):
        query = {k: v for k, v in request.query.items() if k != "token"}
        target = request.rel_url.with_query(query)
        response = web.HTTPSeeOther(location=str(target))
        response.set_cookie(COOKIE, token, httponly=True, samesite="Strict")
        raise response
    header = request.headers.get("Authorization", "")
    bearer = header.removeprefix("Bearer ") if header.startswith("Bearer ") else ""
    if _same(bearer, token) or _same(request.cookies.get(COOKIE, ""), token):
        return await handler(request)
    raise web.HTTPUnauthorized(
        text="a bearer token is required (Authorization: Bearer …, or open /?token=…)",
        headers={"WWW-Authenticate": 'Bearer realm="newswatch"'},
    )


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        challenge = exc.headers.get("WWW-Authenticate")
        return _error(request, exc.status, exc.text or exc.reason, challenge)
    except (RedisError, StoreError) as exc:
        context(request).store_errors += 1
        log.warning("%s: store unavailable: %s", request.path, exc)
        return _error(request, 503, f"the store is unavailable: {exc}", None)


def _error(request: web.Request, status: int, message: str, challenge: str | None) -> web.Response:
    if request.path.startswith("/api/") or request.path in ("/readyz", "/metrics"):
        response = api.reply({"error": message, "status": status}, status)
    else:
        response = pages.render("error.html", status, status=status, message=message)
    if challenge:
        response.headers["WWW-Authenticate"] = challenge
    return response


def _same(a: str, b: str) -> bool:
    return bool(a) and hmac.compare_digest(a.encode(), b.encode())
