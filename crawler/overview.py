"""What ``newswatch status``, the web view and the API show about operations: feeds, hooks,
queue, readiness. One reader, three presentations.

A feed counts as ``failing`` from its first failed poll in a row (the ``feed.failing`` event
still waits for ``[scheduler] failing_after``); ``next_poll`` is when the scheduler will poll
it next (None once it is gone). Feeds are the configured ones, then each story's current
discovery searches (as the scheduler registered them in Redis).
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime
from typing import Any

from redis.exceptions import RedisError

from crawler.config import JsonlHook, Settings, WebhookHook
from crawler.store import Store, safe_url


async def feeds(settings: Settings, store: Store) -> list[dict[str, Any]]:
    origins = {f.url: ("config", "") for f in settings.feed}
    for story in settings.story:
        for feed_url in sorted(await store.discovery.feeds(story.id)):
            origins.setdefault(feed_url, ("discovery", story.id))
    urls = list(origins)
    states = await store.schedule.feed_states(urls)
    counts = await store.schedule.feed_counts(urls)
    due = await store.schedule.next_polls(urls)
    out = []
    for url, state in states.items():
        next_poll = due.get(url)
        out.append(
            {
                "url": safe_url(url),
                "title": state.title,
                "origin": origins[url][0],
                "story": origins[url][1],
                "status": state.shown_status,
                "failures": state.failures,
                "last_poll": state.last_poll,
                "last_ok": state.last_ok,
                "next_poll": _iso(next_poll),
                "interval": state.interval or None,
                "last_error": state.last_error,
                "polls": counts[url].polled + counts[url].failed,
                "poll_errors": counts[url].failed,
            }
        )
    return out


async def hooks(settings: Settings, store: Store) -> list[dict[str, Any]]:
    """Per configured hook: its target and filters, counters, queue, retry state and dead
    letters (``crawler.store.deliveries``)."""
    rows = []
    for config in settings.hook_list():
        state = await store.deliveries.state(config.name)
        retrying = None
        if state.failing_since is not None:
            retrying = {
                "since": state.failing_since,
                "attempts": state.attempts,
                "next_attempt": state.next_attempt,
                "last_error": state.last_error,
                "event": state.head,
            }
        rows.append(
            {
                "name": safe_url(config.name),
                "type": config.type,
                "target": _target(config),
                "delivered": state.delivered,
                "filtered": state.filtered,
                "pending": await store.outbox.backlog(config.name),
                "dead": await store.deliveries.dead_count(config.name),
                "retrying": retrying,
                "digest_since": state.digest_since,
                "last_delivered_at": state.last_delivered_at,
                "events": list(config.events),
                "stories": list(config.stories),
            }
        )
    return rows


async def queue(store: Store) -> dict[str, int]:
    now = time.time()
    return {
        "queued_jobs": await store.readouts.queue_depth(),
        "revisits_pending": await store.schedule.pending_revisits(),
        "revisits_due": await store.schedule.due_revisit_count(now),
    }


async def readiness(store: Store, roles: tuple[str, ...]) -> tuple[bool, dict[str, str]]:
    """(ready, check → "ok" or what is wrong): the store answers, and each of ``roles`` has a
    fresh heartbeat (:mod:`crawler.store.heartbeats`)."""
    try:
        await store.ping()
        fresh = await store.heartbeats.fresh(time.time())
    except (RedisError, OSError) as exc:
        return False, {"store": f"unreachable: {exc}"}
    checks = {"store": "ok"}
    for role in roles:
        alive = fresh.get(role, [])
        checks[role] = f"ok ({len(alive)} running)" if alive else "no fresh heartbeat"
    return all(v.startswith("ok") for v in checks.values()), checks


def _target(config: Any) -> str:
    if isinstance(config, JsonlHook):
        return str(config.path)
    if isinstance(config, WebhookHook):
        return safe_url(config.url)
    return "standard output"


def _iso(stamp: float | None) -> str | None:
    if stamp is None or math.isinf(stamp):
        return None
    return datetime.fromtimestamp(stamp, UTC).isoformat()
