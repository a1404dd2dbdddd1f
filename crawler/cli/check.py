"""``newswatch check``: is this configuration ready to run? One verdict per line.

It validates the configuration (a mistake exits 2, naming the key), reaches the store,
reads each story's seed, fetches and parses each feed once, and tries each hook's target:
a ``jsonl`` file is opened for appending, a ``webhook`` URL gets a ``HEAD`` request (any HTTP
answer means it is reachable; nothing is delivered), ``console`` is always there. Nothing
is changed in the store. Exit 0 when every line is ``ok``, 1 when one is ``FAIL``.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import aiohttp

from crawler.config import JsonlHook, Settings, WebhookHook, load_settings
from crawler.core.feedparse import parse_feed
from crawler.errors import NewswatchError
from crawler.fetch import Fetcher, MemoryHostState
from crawler.runtime import open_store
from crawler.stages.deliver import build_hook
from crawler.stages.deliver.webhook import describe_client_error
from crawler.stages.seed.load import load_seed
from crawler.store import safe_url


class Verdicts:
    def __init__(self) -> None:
        self.failed = 0

    def line(self, ok: bool, what: str, detail: str) -> None:
        self.failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'}  {what:<6} {detail}", flush=True)


async def check(config: Path | None) -> int:
    settings = load_settings(config)  # a ConfigError exits 2 (crawler.cli.main)
    verdicts = Verdicts()
    verdicts.line(
        True,
        "config",
        f"{len(settings.story)} story(ies), {len(settings.feed)} feed(s), "
        f"{len(settings.hook)} hook(s)",
    )
    await _store(settings, verdicts)
    fetcher = Fetcher(settings.crawler, MemoryHostState())
    try:
        for story in settings.story:
            try:
                profile = await load_seed(story, fetcher)
                verdicts.line(True, "seed", f"{story.id}: {profile.title[:70]!r}")
            except NewswatchError as exc:
                verdicts.line(False, "seed", str(exc))
        await asyncio.gather(*(_feed(fetcher, f.url, verdicts) for f in settings.feed))
    finally:
        await fetcher.close()
    for hook in settings.hook_list():
        await _hook(settings, hook, verdicts)
    print("ready to run" if not verdicts.failed else f"{verdicts.failed} problem(s)")
    return 1 if verdicts.failed else 0


async def _store(settings: Settings, verdicts: Verdicts) -> None:
    try:
        async with open_store(settings) as (store, url):
            await store.ping()
            where = (
                "" if settings.redis.url else f" (bundled Valkey in {settings.storage.data_dir})"
            )
            verdicts.line(True, "store", f"{safe_url(url)}{where}")
    except NewswatchError as exc:
        verdicts.line(False, "store", str(exc))


async def _feed(fetcher: Fetcher, url: str, verdicts: Verdicts) -> None:
    try:
        fetched = await fetcher.fetch(url, "feed")
        parsed = parse_feed(fetched.body, fetched.url, fetched.headers)
    except NewswatchError as exc:
        verdicts.line(False, "feed", f"{safe_url(url)} — {exc}")
        return
    title = f"{parsed.title!r}, " if parsed.title else ""
    verdicts.line(True, "feed", f"{safe_url(url)} — {title}{len(parsed.entries)} entries")


async def _hook(settings: Settings, hook: object, verdicts: Verdicts) -> None:
    name = safe_url(getattr(hook, "name", "hook"))
    if isinstance(hook, WebhookHook):
        timeout = aiohttp.ClientTimeout(total=min(hook.timeout, 10.0))
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.head(hook.url, headers=hook.headers, allow_redirects=False) as resp,
            ):
                verdicts.line(True, "hook", f"{name} — reachable (HTTP {resp.status} to HEAD)")
        except aiohttp.ClientError as exc:
            verdicts.line(False, "hook", f"{name} — unreachable: {describe_client_error(exc)}")
        except TimeoutError:
            verdicts.line(False, "hook", f"{name} — unreachable: no answer within {timeout.total}s")
        return
    if isinstance(hook, JsonlHook):
        started = build_hook(hook, settings.crawler.user_agent)
        try:
            await started.start()
            verdicts.line(True, "hook", f"{name} — {hook.path} can be appended to")
        except NewswatchError as exc:
            verdicts.line(False, "hook", f"{name} — {exc}")
        finally:
            with contextlib.suppress(Exception):
                await started.close()
        return
    verdicts.line(True, "hook", f"{name} — standard output")
