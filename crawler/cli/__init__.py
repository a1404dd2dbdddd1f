"""``newswatch`` command line. Errors the user can fix exit with code 2 and no traceback.

The commands are a table (:data:`COMMANDS`): each has its help, its own arguments and an
async handler that receives the parsed arguments; handlers load the configuration themselves
when they need it (``extract``, ``facts`` and ``demo`` work without one). The global options
(``--config``, ``-v``, ``-q``) go before or after the command name.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
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
    "demo": Command(
        "offline demo: simulated news sites and the real pipeline; its store is kept",
        commands.demo,
        (
            (("--fresh",), {"action": "store_true", "help": "forget the last demo and replay"}),
            (
                ("--data-dir",),
                {
                    "type": Path,
                    "default": Path(".newswatch-demo"),
                    "help": "where the demo keeps its store, config and alerts "
                    "(default: .newswatch-demo)",
                },
            ),
        ),
    ),
    "serve": Command(
        "the web view, JSON API, /healthz, /readyz and /metrics",
        commands.serve,
        (
            (
                ("--listen",),
                {"metavar": "HOST:PORT", "help": "else [http] listen, else 127.0.0.1:8787"},
            ),
        ),
    ),
    "check": Command(
        "check the config, the store, each seed, feed and hook target; exit 0/1/2",
        commands.check,
    ),
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
    "status": Command(
        "feeds, hooks, queue and counters; exit 1 when something is failing",
        commands.status,
        (JSON,),
    ),
    "hooks": Command(
        "hooks: delivered, pending, retrying, dead; `hooks test NAME`, `hooks replay NAME`",
        commands.hooks,
        (
            (("action",), {"nargs": "?", "choices": ("test", "replay"), "help": "test or replay"}),
            (("name",), {"nargs": "?", "help": "the hook's name (as `newswatch hooks` lists)"}),
            (("--dead",), {"action": "store_true", "help": "replay the dead letters"}),
            (("--since",), {"help": "replay only events emitted within this duration (2h)"}),
            JSON,
        ),
    ),
}


def _global_options(parser: argparse.ArgumentParser, defaults: bool) -> None:
    """``--config``, ``-v``, ``-q``: on the main parser with defaults, on each command's
    parser without (``SUPPRESS``), so that given after the command they override."""

    def default(value: Any) -> Any:
        return value if defaults else argparse.SUPPRESS

    parser.add_argument(
        "--config",
        type=Path,
        default=default(None),
        help="config file (default: $NEWSWATCH_CONFIG or config/newswatch.toml)",
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=default(0), help="more log output"
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", default=default(False), help="warnings only"
    )


def _version() -> str:
    try:
        return version("newswatch")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newswatch", description="Follow a news story across feeds; alert on real updates."
    )
    parser.add_argument("--version", action="version", version=f"newswatch {_version()}")
    _global_options(parser, defaults=True)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, command in COMMANDS.items():
        command_parser = sub.add_parser(name, help=command.help)
        _global_options(command_parser, defaults=False)
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
    for name in ("arq", "aiohttp", "asyncio", "apprise"):
        logging.getLogger(name).setLevel(library_level)
