"""A real aiohttp server on 127.0.0.1 whose handlers a test adds (used through conftest)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class LocalSite:
    """A real aiohttp server on 127.0.0.1; ``site.route(path, handler)`` before or after start."""

    def __init__(self) -> None:
        self.app = web.Application()
        self.handlers: dict[str, Handler] = {}
        self.hits: dict[str, int] = {}
        self.requests: list[web.Request] = []
        self.app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner: web.AppRunner | None = None
        self.port = 0

    def route(self, path: str, handler: Handler) -> str:
        self.handlers[path] = handler
        return self.url(path)

    def text(self, path: str, body: str, content_type: str = "text/html", **headers: str) -> str:
        async def handler(request: web.Request) -> web.Response:
            return web.Response(text=body, content_type=content_type, headers=headers)

        return self.route(path, handler)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.hits[path] = self.hits.get(path, 0) + 1
        self.requests.append(request)
        handler = self.handlers.get(path)
        if handler is None:
            raise web.HTTPNotFound()
        return await handler(request)

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
