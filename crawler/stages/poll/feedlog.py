"""How the scheduler reports failed polls: short lines, one for a network that is down.

A fetch error's text ends with its URL; a feed's log line names the feed already, so it
gets :func:`brief`. When every feed of a batch (two or more) failed to resolve or connect,
the network is likely down: :func:`report_offline` says so in one line instead of one
warning per feed.
"""

from __future__ import annotations

import logging

from crawler.errors import FeedError, FetchError


def brief(exc: Exception) -> str:
    """The failure without the URL: a fetch error's message, a feed error as it is, anything
    else with its type."""
    if isinstance(exc, FetchError):
        return str(exc.args[0])
    return str(exc) if isinstance(exc, FeedError) else f"{exc!r}"


def report_offline(log: logging.Logger, offline: list[tuple[str, str]], polled: int) -> None:
    """``offline``: (feed url, error) of the feeds of a batch of ``polled`` that could not
    be reached."""
    if len(offline) >= 2 and len(offline) == polled:
        log.warning(
            "network unreachable: none of the %d feeds could be reached (%s); "
            "retrying with backoff",
            polled,
            offline[0][1],
        )
        return
    for url, error in offline:
        log.warning("feed %s failed: %s", url, error)
