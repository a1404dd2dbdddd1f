"""One exception hierarchy for newswatch.

Third-party errors (aiohttp, redis, feedparser, pydantic) are translated into these at the
boundary of the module that calls the library, keeping the cause (``raise X(...) from exc``).
Each fetch error says whether trying again later can help (``retryable``), which is what the
worker uses to decide between an arq ``Retry`` and giving up.
"""

from __future__ import annotations


class NewswatchError(Exception):
    """Base class of every error newswatch raises on purpose."""


class ConfigError(NewswatchError):
    """The configuration is invalid; the message names the key and what is expected."""


class SeedError(NewswatchError):
    """The seed story cannot be read or holds no usable text."""


class StoreError(NewswatchError):
    """The Redis store is unreachable or answered unexpectedly."""


class ExtractError(NewswatchError):
    """The document is not an article newswatch can read (empty, binary, no text)."""


class FeedError(NewswatchError):
    """A feed document could not be parsed into entries."""


class FetchError(NewswatchError):
    """A fetch failed. ``retryable`` tells whether a later attempt may succeed."""

    retryable: bool = True
    retry_after: float | None = None  # seconds the server (or the host's pacing) asks to wait

    def __init__(
        self,
        message: str,
        *,
        url: str,
        retryable: bool | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.url = url
        if retryable is not None:
            self.retryable = retryable
        self.retry_after = retry_after

    def __str__(self) -> str:
        return f"{self.args[0]} ({self.url})"


class HTTPStatusError(FetchError):
    """The server answered with a status newswatch cannot use."""

    def __init__(self, status: int, *, url: str, retry_after: float | None = None) -> None:
        retryable = status in (408, 425, 429) or status >= 500
        super().__init__(f"HTTP {status}", url=url, retryable=retryable, retry_after=retry_after)
        self.status = status


class ConnectError(FetchError):
    """The host could not be reached: its name did not resolve or the connection failed.

    When every feed fails this way at once, the scheduler says "network unreachable" once.
    """

    retryable = True


class BlockedAddressError(FetchError):
    """The target is not allowed: a private/loopback address or a non-http(s) scheme."""

    retryable = False


class TooLargeError(FetchError):
    """The body exceeded the configured size cap (counted after decompression)."""

    retryable = False


class ContentTypeError(FetchError):
    """The response is not the kind of document that was asked for."""

    retryable = False


class RedirectError(FetchError):
    """Too many redirects, or a redirect loop."""

    retryable = False


class RobotsDisallowedError(FetchError):
    """robots.txt of the site does not allow newswatch to fetch this URL."""

    retryable = False


class HostBusyError(FetchError):
    """The per-host politeness limits would make this request wait too long; try later."""

    retryable = True
