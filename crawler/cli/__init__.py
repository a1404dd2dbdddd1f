"""``newswatch`` command line. Errors the user can fix exit with code 2 and no traceback."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from crawler.config import load_settings
from crawler.errors import ConfigError, NewswatchError, SeedError

log = logging.getLogger("newswatch")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newswatch", description="Follow a news story across feeds; alert on real updates."
    )
    parser.add_argument(
        "--config",
        type=Path,
        help="config file (default: $NEWSWATCH_CONFIG or config/newswatch.toml)",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    parser.add_argument("-q", "--quiet", action="store_true", help="warnings and errors only")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser("run", help="the daemon: scheduler + worker in one process")
    run.add_argument(
        "--once",
        action="store_true",
        help="poll every feed once, process every job and due revisit, then exit",
    )
    sub.add_parser("scheduler", help="only poll feeds and release revisits")
    worker = sub.add_parser("worker", help="only process article jobs and deliver events")
    worker.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    sub.add_parser("demo", help="offline demo: a simulated news site and the real pipeline")
    extract = sub.add_parser("extract", help="print the article extracted from a file or URL")
    extract.add_argument("source", help="HTML file path or http(s) URL")
    extract.add_argument("--json", action="store_true", help="JSON output")
    extract.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help="allow fetching from loopback/private addresses",
    )
    history = sub.add_parser("history", help="stored versions of a tracked article, with facts")
    history.add_argument("url")
    history.add_argument("--story", help="story id (default: every story tracking the URL)")
    history.add_argument("--json", action="store_true")
    facts = sub.add_parser("facts", help="the facts (killed, injured, …) in a text, page or URL")
    facts.add_argument("source", help="text or HTML file, http(s) URL, or - for standard input")
    facts.add_argument("--json", action="store_true", help="JSON output")
    facts.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help="allow fetching from loopback/private addresses",
    )
    timeline = sub.add_parser("timeline", help="a story's facts over time, with their sources")
    timeline.add_argument("story", help="story id")
    timeline.add_argument("--json", action="store_true")
    story = sub.add_parser("story", help="a story's copy clusters: representative, copies")
    story.add_argument("story", help="story id")
    story.add_argument("--json", action="store_true")
    status = sub.add_parser("status", help="feeds, queue and counters")
    status.add_argument("--json", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _logging(args.verbose, args.quiet or (args.command == "demo" and not args.verbose))
    try:
        return asyncio.run(_dispatch(args))
    except (ConfigError, SeedError) as exc:
        print(f"newswatch: {exc}", file=sys.stderr)
        return 2
    except NewswatchError as exc:
        print(f"newswatch: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


async def _dispatch(args: argparse.Namespace) -> int:
    from crawler.cli import inspect
    from crawler.roles import run_once, run_roles

    if args.command == "extract":
        return await inspect.extract(
            args.source, args.json, args.allow_private_addresses, args.config
        )
    if args.command == "facts":
        from crawler.cli import facts

        return await facts.facts(args.source, args.json, args.allow_private_addresses, args.config)
    if args.command == "demo":
        from crawler.demo.runner import run_demo

        return await run_demo()
    settings = load_settings(args.config)
    if args.command == "run" and args.once:
        summary = await run_once(settings)
        log.info(
            "done: %d feeds polled (%d failed), %d jobs, %d revisits, %d events delivered",
            summary.feeds,
            summary.failed_feeds,
            summary.jobs,
            summary.revisits,
            summary.delivered,
        )
        return 0
    if args.command in ("run", "scheduler", "worker"):
        if args.command == "worker" and args.burst:
            from crawler.cli.inspect import burst_worker

            return await burst_worker(settings)
        await run_roles(
            settings, scheduler=args.command != "worker", worker=args.command != "scheduler"
        )
        return 0
    if args.command == "story":
        from crawler.cli.story import story

        return await story(settings, args.story, args.json)
    if args.command == "history":
        return await inspect.history(settings, args.url, args.story, args.json)
    if args.command == "timeline":
        from crawler.cli import facts

        return await facts.timeline(settings, args.story, args.json)
    return await inspect.status(settings, args.json)


def _logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s", datefmt="%H:%M:%S"
    )
    library_level = logging.DEBUG if verbose >= 2 else logging.WARNING
    for name in ("arq", "aiohttp", "asyncio"):
        logging.getLogger(name).setLevel(library_level)
