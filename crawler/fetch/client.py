"""The one HTTP fetcher for feeds, articles and seeds (aiohttp).

* one ``ClientSession`` per process, with connect / read-idle / total timeouts;
* redirects followed by hand, each hop checked by the address guard, with a hop limit and
  loop detection;
* the body read in chunks after decompression and cut off at ``max_body_bytes``, so neither an
  endless body nor a compression bomb can fill memory;
* conditional GET (ETag / Last-Modified) with 304 reported as ``not_modified``;
* aiohttp errors translated into :mod:`crawler.errors` types, each retryable or not.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import aiohttp

from crawler.config import CrawlerConfig
from crawler.errors import (
    BlockedAddressError,
    ContentTypeError,
    FetchError,
    HTTPStatusError,
    RedirectError,
    TooLargeError,
)
from crawler.fetch.guard import AddressRefused, GuardedResolver, check_url

log = logging.getLogger(__name__)

REDIRECTS = frozenset({301, 302, 303, 307, 308})
ACCEPT = {
    "html": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
    "feed": (
        "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.8,*/*;q=0.5"
    ),
    "any": "*/*",
}
ALLOWED_TYPES = {
    "html": ("text/html", "application/xhtml", "text/plain"),
    "feed": ("xml", "rss", "atom", "rdf", "json", "text/plain", "text/html"),
    "any": ("",),
}


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str  # after redirects
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")


class Fetcher:
    """Owns the process's ``ClientSession``; call :meth:`close` on shutdown."""

    def __init__(self, config: CrawlerConfig) -> None:
        self._config = config
        connector = aiohttp.TCPConnector(
            limit=100,
            limit_per_host=8,
            resolver=None if config.allow_private_addresses else GuardedResolver(),
            ttl_dns_cache=300,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(
                total=config.total_timeout,
                connect=config.connect_timeout,
                sock_read=config.read_timeout,
            ),
            headers={"User-Agent": config.user_agent},
            trust_env=True,
        )

    async def close(self) -> None:
        await self._session.close()

    async def fetch(
        self, url: str, kind: str = "any", etag: str = "", last_modified: str = ""
    ) -> FetchResult:
        """GET ``url`` following redirects; raise a :class:`FetchError` subtype on failure."""
        headers = {"Accept": ACCEPT[kind]}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen: set[str] = set()
        current = url
        for _ in range(self._config.max_redirects + 1):
            check_url(current, self._config.allow_private_addresses)
            seen.add(current)
            result, location = await self._one(current, headers, kind)
            if location is None:
                return result
            current = urljoin(current, location)
            if current in seen:
                raise RedirectError(f"redirect loop via {current}", url=url)
        raise RedirectError(f"more than {self._config.max_redirects} redirects", url=url)

    async def _one(
        self, url: str, headers: dict[str, str], kind: str
    ) -> tuple[FetchResult, str | None]:
        try:
            async with self._session.get(url, headers=headers, allow_redirects=False) as resp:
                if resp.status in REDIRECTS and resp.headers.get("Location"):
                    return FetchResult(url, resp.status), resp.headers["Location"]
                response_headers = {k.lower(): v for k, v in resp.headers.items()}
                if resp.status == 304:
                    return FetchResult(url, 304, response_headers), None
                if resp.status >= 400:
                    raise HTTPStatusError(
                        resp.status, url=url, retry_after=retry_after(response_headers)
                    )
                _check_type(url, response_headers.get("content-type", ""), kind)
                body = await self._read_capped(resp, url)
                return FetchResult(str(resp.url), resp.status, response_headers, body), None
        except FetchError:
            raise
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, AddressRefused):
                raise BlockedAddressError(
                    f"refused: {exc.os_error} "
                    "(set crawler.allow_private_addresses = true to allow)",
                    url=url,
                ) from exc
            raise FetchError(f"cannot connect: {exc.os_error}", url=url) from exc
        except TimeoutError as exc:
            raise FetchError("timed out", url=url) from exc
        except aiohttp.ClientPayloadError as exc:
            raise FetchError(f"broken response body: {exc}", url=url) from exc
        except (aiohttp.ClientError, ValueError) as exc:
            raise FetchError(f"HTTP error: {exc!r}", url=url) from exc

    async def _read_capped(self, resp: aiohttp.ClientResponse, url: str) -> bytes:
        cap = self._config.max_body_bytes
        declared = resp.content_length
        if declared is not None and declared > cap and not resp.headers.get("Content-Encoding"):
            raise TooLargeError(f"body of {declared} bytes exceeds the cap of {cap}", url=url)
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.content.iter_chunked(65536):
            size += len(chunk)
            if size > cap:
                raise TooLargeError(f"body exceeds the cap of {cap} bytes", url=url)
            chunks.append(chunk)
        return b"".join(chunks)


def _check_type(url: str, content_type: str, kind: str) -> None:
    media = content_type.split(";")[0].strip().lower()
    if not media:
        return  # servers that send none are common; extraction checks the bytes
    if not any(token in media for token in ALLOWED_TYPES[kind]):
        raise ContentTypeError(f"unexpected content type {media!r} for {kind}", url=url)


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
