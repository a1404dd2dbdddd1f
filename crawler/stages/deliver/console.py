"""``console`` hook: one readable line per event on standard output (used by the demo)."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from crawler.config import ConsoleHook
from crawler.stages.deliver.base import Hook


class ConsolePrintHook(Hook):
    def __init__(self, config: ConsoleHook, stream: TextIO | None = None) -> None:
        super().__init__(config)
        self._stream = stream or sys.stdout

    async def deliver(self, event: dict[str, Any]) -> str:
        print(describe(event), file=self._stream, flush=True)
        return "printed"


def describe(event: dict[str, Any]) -> str:
    """A one-line summary of an event."""
    etype = str(event.get("type", ""))
    article = event.get("article") or {}
    where = f"{article.get('title', '')!r} ({article.get('source', '')})" if article else ""
    if etype == "article.related":
        terms = ", ".join(map(str, (event.get("shared_terms") or [])[:5]))
        detail = f"relevance {event.get('relevance', 0.0):.2f}, shares {terms}"
    elif etype == "article.duplicate":
        detail = (
            f"copy of {event.get('duplicate_of')} (similarity {event.get('similarity', 0):.2f})"
        )
    elif etype == "article.updated":
        detail = (
            f"v{event.get('previous_version')} → v{article.get('version')}: "
            f"+{len(event.get('added') or [])} / -{len(event.get('removed') or [])} sentences"
        )
    elif etype.startswith("fact."):
        fact = event.get("fact") or {}
        old, new = fact.get("old") or {}, fact.get("new") or {}
        said = event.get("summary") or (
            f"{fact.get('kind')} ({fact.get('subject')}): {_reading(old)} → {_reading(new)}"
        )
        detail = f"{said} [{event.get('scope', 'article')}]"
    else:
        feed = event.get("feed") or {}
        detail = f"{feed.get('url', '')} {feed.get('error', '')}".strip()
    return f"[{etype}] {event.get('story')}: {where} {detail}".replace("  ", " ")


def _reading(side: dict[str, Any]) -> str:
    qualifier = side.get("qualifier") or ""
    return f"{qualifier} {side.get('value')}".strip()
