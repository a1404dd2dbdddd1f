"""``newswatch`` command line. Errors the user can fix exit with code 2 and no traceback.

The commands are a table (:data:`COMMANDS`): each has its help, its own arguments and an
async handler that receives the parsed arguments; handlers load the configuration themselves
when they need it (``extract``, ``facts`` and ``demo`` work without one).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.cli import commands
from crawler.errors import ConfigError, NewswatchError, SeedError
from crawler.redact import RedactingFormatter, redact

Handler = Callable[[argparse.Namespace], Coroutine[Any, Any, int]]
JSON = (("--json",), {"action": "store_true", "help": "JSON output"})
PRIVATE = (
    ("--allow-private-addresses",),
    {"action": "store_true", "help": "allow fetching from loopback/private addresses"},
)
STORY = (("story",), {"help": "story id"})


@dataclass(frozen=True)
class Command:
    help: str
    handler: Handler
    arguments: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = field(default=())


COMMANDS: dict[str, Command] = {
    "run": Command(
        "the daemon: scheduler + worker in one process",
        commands.run,
        (
            (
                ("--once",),
                {
                    "action": "store_true",
                    "help": "poll every feed once, process "
                    "every job and due revisit, deliver the events, then exit",
                },
            ),
        ),
    ),
    "scheduler": Command("only poll feeds and release revisits", commands.scheduler),
    "worker": Command(
        "only process article jobs and deliver events",
        commands.worker,
        ((("--burst",), {"action": "store_true", "help": "exit when the queue is empty"}),),
    ),
    "demo": Command("offline demo: a simulated news site and the real pipeline", commands.demo),
    "extract": Command(
        "print the article extracted from a file or URL",
        commands.extract,
        ((("source",), {"help": "HTML file path or http(s) URL"}), JSON, PRIVATE),
    ),
    "facts": Command(
        "the facts (killed, injured, …) in a text, page or URL",
        commands.facts,
        ((("source",), {"help": "text or HTML file, http(s) URL, or - for stdin"}), JSON, PRIVATE),
    ),
    "history": Command(
        "stored versions of a tracked article, with facts",
        commands.history,
        (
            (("url",), {"help": "the article's URL"}),
            (("--story",), {"help": "story id (default: every story tracking the URL)"}),
            JSON,
        ),
    ),
    "timeline": Command(
        "a story's facts over time, with their sources", commands.timeline, (STORY, JSON)
    ),
    "story": Command(
        "a story's copy clusters: representative, copies", commands.story, (STORY, JSON)
    ),
    "status": Command("feeds, queue and counters", commands.status, (JSON,)),
}


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
    for name, command in COMMANDS.items():
        command_parser = sub.add_parser(name, help=command.help)
        for flags, options in command.arguments:
            command_parser.add_argument(*flags, **options)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _logging(args.verbose, args.quiet or (args.command == "demo" and not args.verbose))
    try:
        return asyncio.run(COMMANDS[args.command].handler(args))
    except (ConfigError, SeedError) as exc:
        print(f"newswatch: {redact(str(exc))}", file=sys.stderr)
        return 2
    except NewswatchError as exc:
        print(f"newswatch: {redact(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    handler = logging.StreamHandler()  # every line passes the secret masking (crawler.redact)
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")
    )
    logging.basicConfig(level=level, handlers=[handler])
    library_level = logging.DEBUG if verbose >= 2 else logging.WARNING
    for name in ("arq", "aiohttp", "asyncio"):
        logging.getLogger(name).setLevel(library_level)
