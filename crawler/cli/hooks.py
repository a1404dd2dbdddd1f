"""``newswatch hooks``: what each hook delivered, holds and gave up; ``hooks test NAME`` and
``hooks replay NAME [--dead] [--since DURATION]``.

* ``hooks test NAME`` sends a sample ``fact.revised`` (:mod:`crawler.stages.deliver.sample`) through
  the hook's real channel, bypassing its rules, and says what happened (exit 1 if it failed).
  It needs no store.
* ``hooks replay NAME --dead`` delivers the hook's dead letters again, oldest first; each one
  delivered leaves the list, a permanent refusal stays, and a transient failure stops the
  replay (the rest stay). A digest hook gets them as one message.
* ``hooks replay NAME`` delivers again, through the hook's rules, the events still in the
  outbox (the newest ~200,000), or with ``--since 2h`` those emitted in the last two hours —
  to refill a receiver that lost data or give a new hook the story so far. Receivers see the
  same event ids (a jsonl file skips the ones it has).

Replays run in this process, beside a daemon that may be delivering new events at the same
time: a replayed event can arrive after newer ones.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

from crawler import overview
from crawler.config import HookConfig, Settings
from crawler.durations import format_duration, parse_duration
from crawler.errors import ConfigError
from crawler.runtime import open_store
from crawler.stages.deliver import DeliveryError, Hook, build_hook
from crawler.stages.deliver.rules import Rules
from crawler.stages.deliver.sample import sample_event
from crawler.store import Store, safe_url


async def hooks(settings: Settings, as_json: bool) -> int:
    async with open_store(settings) as (store, _):
        rows = await overview.hooks(settings, store)
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    elif not rows:
        print("no hooks configured (add a [[hook]] section; see the README's Notifications)")
    else:
        print("\n".join(hook_lines(rows)))
    return 0


def hook_lines(rows: list[dict[str, Any]], now: float | None = None) -> list[str]:
    now = time.time() if now is None else now
    lines = []
    for row in rows:
        lines.append(
            f"  {row['name']}  delivered {row['delivered']}  pending {row['pending']}"
            f"  dead {row['dead']}  filtered out {row['filtered']}"
        )
        retrying = row["retrying"]
        if retrying:
            wait = max(0.0, retrying["next_attempt"] - now)
            lines.append(
                f"      retrying since {_clock(retrying['since'])}, {retrying['attempts']} failed "
                f"attempt(s), next in {format_duration(wait)}: {retrying['last_error']}"
            )
        if row["digest_since"]:
            lines.append(f"      digest collecting since {_clock(row['digest_since'])}")
    return lines


async def test(settings: Settings, name: str) -> int:
    config = find_hook(settings, name)
    event = sample_event()
    hook = await _started(config, settings)
    try:
        receipt = await hook.deliver(event)
    except DeliveryError as exc:
        kind = "refused (permanent)" if exc.permanent else "failed"
        print(f"{safe_url(config.name)}: sample {event['type']} {kind}: {exc}")
        return 1
    finally:
        await hook.close()
    print(f"{safe_url(config.name)}: sample {event['type']} delivered ({receipt})")
    return 0


async def replay(settings: Settings, name: str, dead: bool, since: str | None) -> int:
    config = find_hook(settings, name)
    window = _since(since)
    async with open_store(settings) as (store, _):
        hook = await _started(config, settings)
        try:
            if dead:
                return await _replay_dead(store, hook)
            return await _replay_outbox(store, hook, window)
        finally:
            await hook.close()


async def _replay_dead(store: Store, hook: Hook) -> int:
    letters = await store.deliveries.dead_letters(hook.name)
    shown = safe_url(hook.name)
    if not letters:
        print(f"{shown}: no dead letters")
        return 0
    delivered = 0
    try:
        if hook.digest:
            await hook.deliver_digest([letter.event for letter in letters])
        for letter in letters:
            if not hook.digest:
                try:
                    await hook.deliver(letter.event)
                except DeliveryError as exc:
                    if not exc.permanent:
                        raise
                    print(f"  {letter.event.get('id')}: refused again: {exc}")
                    continue
            await store.deliveries.remove_dead(hook.name, letter)
            delivered += 1
    except DeliveryError as exc:
        print(f"{shown}: stopped: {exc}")
    await store.deliveries.delivered_outside(hook.name, delivered, time.time())
    left = len(letters) - delivered
    print(f"{shown}: replayed {delivered} of {len(letters)} dead letter(s); {left} left")
    return 0 if not left else 1


async def _replay_outbox(store: Store, hook: Hook, window: float | None) -> int:
    shown = safe_url(hook.name)
    rules = Rules.of(hook.config)
    items = await store.outbox.since(time.time() - window if window else 0.0)
    events = [i.event for i in items if rules.accepts(i.event)]
    delivered = 0
    try:
        if hook.digest and events:
            await hook.deliver_digest(events)
            delivered = len(events)
        for event in [] if hook.digest else events:
            await hook.deliver(event)
            delivered += 1
    except DeliveryError as exc:
        print(f"{shown}: stopped at event {delivered + 1} of {len(events)}: {exc}")
    await store.deliveries.delivered_outside(hook.name, delivered, time.time())
    print(f"{shown}: replayed {delivered} of {len(events)} event(s) from the outbox")
    return 0 if delivered == len(events) else 1


def find_hook(settings: Settings, name: str) -> HookConfig:
    hooks = settings.hook_list()
    for config in hooks:
        if name in (config.name, safe_url(config.name)):
            return config
    names = [safe_url(h.name) for h in hooks] or "none"
    raise ConfigError(f"unknown hook {name!r}; configured hooks: {names}")


async def _started(config: HookConfig, settings: Settings) -> Hook:
    hook = build_hook(config, settings.crawler.user_agent)
    try:
        await hook.start()
    except DeliveryError as exc:
        raise ConfigError(f"hook {safe_url(config.name)!r} cannot start: {exc}") from exc
    return hook


def _since(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise ConfigError(f"--since: {exc}") from None


def _clock(when: float) -> str:
    return datetime.fromtimestamp(when).strftime("%Y-%m-%d %H:%M:%S")
