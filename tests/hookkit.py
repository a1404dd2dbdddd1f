"""Test helpers for hooks: a scripted local receiver, a step clock, events of each type.

* :class:`Receiver` is a real aiohttp server on 127.0.0.1 whose answers a test scripts:
  a status (``503``), a status with headers (``(429, {"Retry-After": "30"})``) or ``HANG``
  (no answer until the receiver stops); then 200 for every later request.
* :class:`StepClock` is the delivery clock of a test: ``sleep`` moves its time at once (and
  records how long it was asked to wait), so backoffs and ``max_age`` cost no real time.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from crawler.config import JsonlHook, WebhookHook
from crawler.models import Event
from crawler.stages.deliver import Hook, build_hook

HANG = "hang"
Answer = int | tuple[int, dict[str, str]] | str


@dataclass
class Received:
    body: bytes
    headers: dict[str, str]
    status: int  # what the receiver answered (0: it never did)
    content_type: str = ""
    form: dict[str, str] = field(default_factory=dict)

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    def __init__(self, answers: list[Answer] | None = None, path: str = "/hook") -> None:
        self.answers = list(answers or [])
        self.always: Answer | None = None  # when set, every request gets this answer
        self.path = path
        self.got: list[Received] = []
        self.port = 0
        self._changed = asyncio.Condition()
        self._stopping = asyncio.Event()
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    @property
    def accepted(self) -> list[Received]:
        return [r for r in self.got if 200 <= r.status < 300]

    def accepted_ids(self) -> list[str]:
        return [r.json["id"] for r in self.accepted]

    async def start(self, port: int = 0) -> Receiver:
        app = web.Application()
        app.router.add_post(self.path, self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._stopping.clear()
        return self

    async def stop(self) -> None:
        self._stopping.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def wait_for(self, count: int, within: float = 10.0, accepted: bool = True) -> None:
        """Until ``count`` requests were answered 2xx (or, ``accepted=False``, arrived)."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(
                lambda: len(self.accepted if accepted else self.got) >= count
            )

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        answer = (
            self.always
            if self.always is not None
            else (self.answers.pop(0) if self.answers else 200)
        )
        status, headers = (answer, {}) if isinstance(answer, int | str) else answer
        form: dict[str, str] = {}
        if request.content_type == "application/x-www-form-urlencoded":
            form = {k: str(v) for k, v in (await request.post()).items()}
        record = Received(body, dict(request.headers), 0, request.content_type, form)
        self.got.append(record)
        async with self._changed:
            self._changed.notify_all()
        if status == HANG:
            await self._stopping.wait()
            return web.Response(status=503)
        record.status = int(status)
        async with self._changed:
            self._changed.notify_all()
        return web.Response(status=int(status), headers=headers)


class StepClock:
    def __init__(self) -> None:
        self.t = time.time()
        self.slept: list[float] = []

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds

    async def sleep(self, seconds: float, stop: asyncio.Event | None = None) -> None:
        self.slept.append(round(seconds, 6))
        self.t += max(0.0, seconds)
        await asyncio.sleep(0)


def free_port() -> int:
    """A port nothing listens on (for "down, then up")."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_event(n: int, etype: str = "article.related", story: str = "s", **body: Any) -> Event:
    article = {
        "url": f"https://news.example/{n}",
        "canonical_url": f"https://news.example/{n}",
        "title": f"Report {n}",
        "source": "Example Wire",
        "version": 1,
    }
    defaults: dict[str, Any] = {"article": article, "relevance": 0.5, "shared_terms": ["a"]}
    return Event(f"{etype}:{n}", etype, story, datetime.now(UTC), {**defaults, **body})


def fact_event(
    n: int,
    old: float,
    new: float,
    kind: str = "killed",
    subject: str = "people",
    **extra: Any,
) -> Event:
    """A ``fact.revised`` as written before issue 9 (no direction/change/fact.scope) unless
    ``extra`` adds those members; ``fact`` members in ``extra["fact"]`` are merged."""
    fact = {
        "kind": kind,
        "subject": subject,
        "old": {"value": old, "low": old, "high": None, "qualifier": "at least",
                "text": f"At least {old:g} {subject} were {kind}."},
        "new": {"value": new, "low": new, "high": new, "qualifier": "",
                "text": f"Officials said {new:g} {subject} were {kind}."},
        **extra.pop("fact", {}),
    }  # fmt: skip
    body = {"scope": "article", "fact": fact, **extra}
    event = make_event(n, "fact.revised", **body)
    event.body.pop("relevance", None)
    event.body.pop("shared_terms", None)
    return event


def webhook(url: str, name: str = "w", **options: Any) -> Hook:
    return build_hook(WebhookHook(type="webhook", url=url, name=name, **options), "newswatch-test")


def jsonl(path: Any, name: str = "file", **options: Any) -> Hook:
    return build_hook(JsonlHook(type="jsonl", path=path, name=name, **options), "newswatch-test")
