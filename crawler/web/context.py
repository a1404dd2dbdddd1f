"""What every request handler reads through: the settings and the store (read-only use)."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from crawler.config import Settings
from crawler.store import Store


@dataclass(slots=True)
class Context:
    settings: Settings
    store: Store
    store_errors: int = 0  # this process's failed reads of the store (/metrics)
    roles: tuple[str, ...] = field(default=("scheduler", "worker"))  # /readyz needs these


CONTEXT = web.AppKey("newswatch.context", Context)


def context(request: web.Request) -> Context:
    return request.app[CONTEXT]
