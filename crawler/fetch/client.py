"""The one HTTP fetcher for feeds, articles and seeds (aiohttp).

* one ``ClientSession`` per process, with connect / read-idle / total timeouts;
* redirects followed by hand, each hop checked by the address guard, with a hop limit and
  loop detection;
* the body read in chunks after decompression and cut off at ``max_body_bytes``, so neither an
  endless body nor a compression bomb can fill memory;
* conditional GET (ETag / Last-Modified) with 304 reported as ``not_modified``;
* content-type checks and sniffing (:mod:`crawler.fetch.content`): HTML for articles,
  XML/JSON for feeds, binary bodies refused; Brotli, gzip and deflate decoded under the cap;
* per-host politeness (:mod:`crawler.fetch.politeness`) and robots.txt
  (:mod:`crawler.fetch.robots`) on every hop, shared with other processes through Redis;
* ``HTTP(S)_PROXY`` / ``ALL_PROXY`` / ``NO_PROXY`` honoured (read once at start), the proxy
  host trusted by the address guard and proxied targets' names checked before the request;
  no cookie jar (a crawler carries no session from one site to another);
* aiohttp errors translated into :mod:`crawler.errors` types, each retryable or not; a URL
  that cannot be fetched at all (malformed port or IPv6 address) is not retryable, and a
  malformed ``Location`` is a logged, non-retryable :class:`~crawler.errors.RedirectError`.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Mapping
from urllib.parse import urljoin, urlsplit
from urllib.request import proxy_bypass_environment  # type: ignore[attr-defined]

import aiohttp

from crawler.config import CrawlerConfig, env_proxies
from crawler.core.urls import source_of
from crawler.errors import (
    BlockedAddressError,
    ConnectError,
    FetchError,
    HTTPStatusError,
    RedirectError,
    TooLargeError,
)
from crawler.fetch.content import ACCEPT, check_type, retry_after, sniff
from crawler.fetch.guard import AddressRefused, GuardedResolver, check_url
from crawler.fetch.politeness import HostGate, HostState, MemoryHostState
from crawler.fetch.result import FetchResult
from crawler.fetch.robots import MAX_ROBOTS_BYTES, RobotsRules

log = logging.getLogger(__name__)

REDIRECTS = frozenset({301, 302, 303, 307, 308})


class Fetcher:
    """Owns the process's ``ClientSession``; call :meth:`close` on shutdown.

    ``hosts`` is the per-host state shared with other processes (Redis in the scheduler and the
    workers); without it, politeness and the robots.txt cache hold within this process only.
    """

    def __init__(
        self,
        config: CrawlerConfig,
        hosts: HostState | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> None:
        self._config = config
        self._proxies = dict(env_proxies() if proxies is None else proxies)
        trusted = frozenset(
            h for k, p in self._proxies.items() if k != "no" and (h := urlsplit(p).hostname)
        )
        self._resolver = None if config.allow_private_addresses else GuardedResolver(trusted)
        self._proxied = any(k != "no" for k in self._proxies)
        connector = aiohttp.TCPConnector(
            limit=100,
            limit_per_host=config.per_host_concurrency + 2,
            resolver=self._resolver,
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
            cookie_jar=aiohttp.DummyCookieJar(),
        )
        state = hosts if hosts is not None else MemoryHostState()
        self._gate = HostGate(
            state,
            config.per_host_concurrency,
            config.per_host_delay,
            lease=config.total_timeout + 10.0,
        )
        self._robots = RobotsRules(state, self._robots_txt, config.user_agent, config.robots_ttl)

    async def close(self) -> None:
        await self._session.close()

    async def fetch(
        self,
        url: str,
        kind: str = "any",
        etag: str = "",
        last_modified: str = "",
        *,
        robots: bool | None = None,
        max_bytes: int | None = None,
        truncate: bool = False,
    ) -> FetchResult:
        """GET ``url`` following redirects; raise a :class:`FetchError` subtype on failure.

        ``kind`` is ``"html"`` (articles, seeds), ``"feed"`` or ``"any"``; it picks the Accept
        header, the content-type check and whether robots.txt is obeyed (``robots`` overrides).
        A body over ``max_bytes`` is a :class:`TooLargeError`, or with ``truncate`` cut there.
        """
        headers = {"Accept": ACCEPT[kind]}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        obey = self._obeys_robots(kind) if robots is None else robots
        cap = max_bytes or self._config.max_body_bytes
        seen: set[str] = set()
        current = url
        for _ in range(self._config.max_redirects + 1):
            self._check_target(current, url)
            seen.add(current)
            delay = await self._robots.check(current) if obey else None
            proxy = self._proxy_for(current)
            if proxy and self._resolver is not None:
                await self._check_proxied(current)
            result, location = await self._paced(
                current, headers, (kind, cap, truncate), delay, proxy
            )
            if location is None:
                return result
            current = _redirect_target(current, location, url)
            if current in seen:
                raise RedirectError(f"redirect loop via {current}", url=url)
        raise RedirectError(f"more than {self._config.max_redirects} redirects", url=url)

    def _check_target(self, current: str, url: str) -> None:
        """A URL we can request at all (host, port, IPv6 brackets) that the guard allows."""
        try:
            source_of(current)  # raises ValueError on a malformed port or IPv6 address
        except ValueError as exc:
            if current == url:
                raise FetchError(f"invalid URL: {exc}", url=url, retryable=False) from exc
            log.warning("%s: malformed redirect target %s (%s)", url, current, exc)
            raise RedirectError(f"malformed redirect to {current!r}: {exc}", url=url) from exc
        check_url(current, self._config.allow_private_addresses)

    def _obeys_robots(self, kind: str) -> bool:
        if kind == "html":
            return self._config.obey_robots
        if kind == "feed":
            return self._config.obey_robots and self._config.robots_for_feeds
        return False

    def _proxy_for(self, url: str) -> str | None:
        """The proxy for ``url`` from ``HTTP(S)_PROXY`` / ``ALL_PROXY``, unless ``NO_PROXY``
        exempts its host (read once at start; aiohttp's ``trust_env`` would look them up in a
        thread on every request)."""
        if not self._proxied:
            return None
        parts = urlsplit(url)
        no_proxy = self._proxies.get("no")
        if no_proxy and proxy_bypass_environment(parts.hostname or "", {"no": no_proxy}):
            return None
        return self._proxies.get(parts.scheme) or self._proxies.get("all")

    async def _paced(
        self,
        url: str,
        headers: dict[str, str],
        body: tuple[str, int, bool],  # kind, cap, truncate
        delay: float | None,
        proxy: str | None,
    ) -> tuple[FetchResult, str | None]:
        host_delay = max(delay or 0.0, self._config.per_host_delay)
        try:
            async with self._gate.slot(url, host_delay):
                return await self._one(url, headers, body, proxy)
        except HTTPStatusError as exc:
            if exc.status in (429, 503) and exc.retry_after:
                await self._gate.pause(url, exc.retry_after)
            raise

    async def _robots_txt(self, url: str) -> bytes:
        fetched = await self.fetch(
            url, "any", robots=False, max_bytes=MAX_ROBOTS_BYTES, truncate=True
        )
        return fetched.body

    async def _check_proxied(self, url: str) -> None:
        """Through a proxy only the proxy is resolved here: check the target's name first."""
        host = urlsplit(url).hostname or ""
        try:
            ipaddress.ip_address(host)
            return  # an IP literal: check_url has judged it
        except ValueError:
            pass
        assert self._resolver is not None
        try:
            await self._resolver.resolve(host, 0, socket.AF_UNSPEC)
        except AddressRefused as exc:
            raise BlockedAddressError(
                f"refused: {exc} (set crawler.allow_private_addresses = true to allow)", url=url
            ) from exc
        except OSError as exc:
            raise ConnectError(f"cannot resolve {host}: {exc}", url=url) from exc

    async def _one(
        self, url: str, headers: dict[str, str], body: tuple[str, int, bool], proxy: str | None
    ) -> tuple[FetchResult, str | None]:
        kind, cap, truncate = body
        try:
            async with self._session.get(
                url, headers=headers, allow_redirects=False, proxy=proxy
            ) as resp:
                if resp.status in REDIRECTS and resp.headers.get("Location"):
                    return FetchResult(url, resp.status), resp.headers["Location"]
                response_headers = {k.lower(): v for k, v in resp.headers.items()}
                if resp.status == 304:
                    return FetchResult(url, 304, response_headers), None
                if resp.status >= 400:
                    raise HTTPStatusError(
                        resp.status, url=url, retry_after=retry_after(response_headers)
                    )
                media = check_type(url, response_headers.get("content-type", ""), kind)
                data = await _read_capped(resp, url, cap, truncate)
                sniff(url, data, media, kind)
                return FetchResult(str(resp.url), resp.status, response_headers, data), None
        except FetchError:
            raise
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, AddressRefused):
                raise BlockedAddressError(
                    f"refused: {exc.os_error} "
                    "(set crawler.allow_private_addresses = true to allow)",
                    url=url,
                ) from exc
            raise ConnectError(f"cannot connect: {exc.os_error}", url=url) from exc
        except TimeoutError as exc:
            raise FetchError("timed out", url=url) from exc
        except aiohttp.ClientPayloadError as exc:
            raise FetchError(f"broken response body: {exc}", url=url) from exc
        except ValueError as exc:  # aiohttp.InvalidURL and kin: asking again cannot help
            raise FetchError(f"invalid URL: {exc}", url=url, retryable=False) from exc
        except aiohttp.ClientError as exc:
            raise FetchError(f"HTTP error: {exc!r}", url=url) from exc


def _redirect_target(current: str, location: str, url: str) -> str:
    try:
        return urljoin(current, location)
    except ValueError as exc:  # e.g. "Location: http://[bad/"
        log.warning("%s: malformed redirect Location %r (%s)", url, location[:200], exc)
        raise RedirectError(f"malformed redirect Location {location[:200]!r}", url=url) from exc


async def _read_capped(
    resp: aiohttp.ClientResponse, url: str, cap: int, truncate: bool = False
) -> bytes:
    """Read the decompressed body chunk by chunk, stopping at ``cap`` bytes (an error, or
    with ``truncate`` the first ``cap`` bytes)."""
    declared = resp.content_length
    if (
        not truncate
        and declared is not None
        and declared > cap
        and not resp.headers.get("Content-Encoding")
    ):
        raise TooLargeError(f"body of {declared} bytes exceeds the cap of {cap}", url=url)
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_chunked(65536):
        size += len(chunk)
        chunks.append(chunk)
        if size > cap:
            if truncate:
                return b"".join(chunks)[:cap]
            raise TooLargeError(f"body exceeds the cap of {cap} bytes", url=url)
    return b"".join(chunks)
