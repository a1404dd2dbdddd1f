"""``console`` hook: one readable line per event on standard output (used by the demo)."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from crawler.config import ConsoleHook
from crawler.hooks.base import Hook


class ConsolePrintHook(Hook):
    def __init__(self, config: ConsoleHook, stream: TextIO | None = None) -> None:
        super().__init__(config)
        self._stream = stream or sys.stdout

    async def deliver(self, event: dict[str, Any]) -> str:
        print(describe(event), file=self._stream, flush=True)
        return "printed"


def describe(event: dict[str, Any]) -> str:
    """A one-line summary of an event."""
    etype = event["type"]
    article = event.get("article") or {}
    where = f"{article.get('title', '')!r} ({article.get('source', '')})" if article else ""
    if etype == "article.related":
        detail = (
            f"relevance {event['relevance']:.2f}, shares {', '.join(event['shared_terms'][:5])}"
        )
    elif etype == "article.duplicate":
        detail = f"copy of {event['duplicate_of']} (similarity {event['similarity']:.2f})"
    elif etype == "article.updated":
        detail = (
            f"v{event['previous_version']} → v{article.get('version')}: "
            f"+{len(event['added'])} / -{len(event['removed'])} sentences"
        )
    elif etype == "fact.revised":
        fact = event["fact"]
        old, new = fact["old"], fact["new"]
        detail = (
            f"{fact['kind']} ({fact['subject']}): {_reading(old)} → {_reading(new)}"
            f" [{event.get('scope', 'article')}]"
        )
    else:
        feed = event.get("feed") or {}
        detail = f"{feed.get('url', '')} {feed.get('error', '')}".strip()
    return f"[{etype}] {event['story']}: {where} {detail}".replace("  ", " ")


def _reading(side: dict[str, Any]) -> str:
    qualifier = side.get("qualifier") or ""
    return f"{qualifier} {side['value']}".strip()
