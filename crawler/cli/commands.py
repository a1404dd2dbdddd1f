"""The handlers behind ``newswatch COMMAND``: each takes the parsed arguments.

Heavy modules are imported inside the handlers, so ``newswatch --help`` and the commands that
need no store start fast.
"""

from __future__ import annotations

import argparse
import logging

from crawler.config import Settings, load_settings

log = logging.getLogger("newswatch")

# exit code of ``run --once`` when an event went to a hook's dead letters during the run
DEAD_LETTERED = 3


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(args.config)


async def run(args: argparse.Namespace) -> int:
    from crawler.runtime.roles import run_once, run_roles

    settings = _settings(args)
    if not args.once:
        await run_roles(settings)
        return 0
    summary = await run_once(settings)
    log.info(
        "done: %d feeds polled (%d failed), %d jobs, %d revisits; events: %s",
        summary.feeds,
        summary.failed_feeds,
        summary.jobs,
        summary.revisits,
        summary.deliveries.summary(),
    )
    return DEAD_LETTERED if summary.deliveries.dead else 0


async def scheduler(args: argparse.Namespace) -> int:
    from crawler.runtime.roles import run_roles

    await run_roles(_settings(args), scheduler=True, worker=False)
    return 0


async def worker(args: argparse.Namespace) -> int:
    from crawler.cli.inspect import burst_worker
    from crawler.runtime.roles import run_roles

    settings = _settings(args)
    if args.burst:
        return await burst_worker(settings)
    await run_roles(settings, scheduler=False, worker=True)
    return 0


async def demo(args: argparse.Namespace) -> int:
    from crawler.demo.runner import run_demo

    return await run_demo(args.data_dir, fresh=args.fresh)


async def serve(args: argparse.Namespace) -> int:
    """Serve the web view until SIGINT/SIGTERM; the bind is checked before the store opens."""
    import asyncio
    import signal

    from crawler.config import http_listen
    from crawler.runtime import open_store
    from crawler.web import serving

    settings = _settings(args)
    http_listen(settings, args.listen)  # a bad or unguarded address: exit 2 before anything
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with open_store(settings) as (store, _), serving(settings, store, args.listen) as url:
        print(f"newswatch web view on {url}/ (Ctrl-C to stop)", flush=True)
        await stop.wait()
    return 0


async def check(args: argparse.Namespace) -> int:
    from crawler.cli.check import check as check_cli

    return await check_cli(args.config)


async def extract(args: argparse.Namespace) -> int:
    from crawler.cli import inspect

    return await inspect.extract(args.source, args.json, args.allow_private_addresses, args.config)


async def facts(args: argparse.Namespace) -> int:
    from crawler.cli import facts as facts_cli

    return await facts_cli.facts(args.source, args.json, args.allow_private_addresses, args.config)


async def history(args: argparse.Namespace) -> int:
    from crawler.cli import inspect

    return await inspect.history(_settings(args), args.url, args.story, args.json)


async def timeline(args: argparse.Namespace) -> int:
    from crawler.cli import facts as facts_cli

    return await facts_cli.timeline(_settings(args), args.story, args.json)


async def story(args: argparse.Namespace) -> int:
    from crawler.cli.story import story as story_cli

    return await story_cli(_settings(args), args.story, args.json)


async def status(args: argparse.Namespace) -> int:
    from crawler.cli import inspect

    return await inspect.status(_settings(args), args.json)


async def hooks(args: argparse.Namespace) -> int:
    from crawler.cli import hooks as hooks_cli
    from crawler.errors import ConfigError

    settings = _settings(args)
    if args.action and not args.name:
        raise ConfigError(f"hooks {args.action}: name the hook (see `newswatch hooks`)")
    if args.action == "test":
        return await hooks_cli.test(settings, args.name)
    if args.action == "replay":
        return await hooks_cli.replay(settings, args.name, args.dead, args.since)
    return await hooks_cli.hooks(settings, args.json)
