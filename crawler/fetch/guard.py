"""Address guard against server-side request forgery.

Feeds and pages are written by strangers; a link to ``http://169.254.169.254/`` or to a
hostname that resolves to ``10.0.0.5`` must not make newswatch fetch from inside the network.
Two checks, both off when ``allow_private_addresses = true``:

* :func:`check_url` before each request and each redirect hop: only http/https, and an IP
  literal host must be public;
* :class:`GuardedResolver`, aiohttp's resolver, drops every non-public address a hostname
  resolves to, at connect time — so DNS rebinding between a check and the connect cannot pass.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from crawler.errors import BlockedAddressError

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public(address: IPAddress) -> bool:
    """False for loopback, private, link-local, site-local (``fec0::/10``, deprecated but still
    routed inside some networks), multicast, reserved and unspecified addresses."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return is_public(mapped)
        if address.is_site_local:
            return False
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def check_url(url: str, allow_private: bool) -> None:
    """Refuse non-http(s) URLs and, unless allowed, IP-literal hosts that are not public."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BlockedAddressError("only http and https URLs are fetched", url=url)
    if allow_private:
        return
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        if parts.hostname.rstrip(".").lower() == "localhost" or parts.hostname.endswith(
            ".localhost"
        ):
            raise BlockedAddressError(
                "refused: localhost (set crawler.allow_private_addresses = true to allow)",
                url=url,
            ) from None
        return  # a name: the resolver checks what it resolves to
    if not is_public(address):
        raise BlockedAddressError(
            f"refused: {address} is not a public address "
            "(set crawler.allow_private_addresses = true to allow)",
            url=url,
        )


class AddressRefused(OSError):
    """Raised inside aiohttp's connector; the fetcher turns it into BlockedAddressError."""


class GuardedResolver(AbstractResolver):
    """Resolves like aiohttp's default resolver, then drops every non-public address.

    ``trusted`` names hosts the operator configured (the ``HTTP(S)_PROXY`` hosts): they are
    connected to whatever they resolve to, since a proxy on the local network is normal.
    """

    def __init__(self, trusted: frozenset[str] = frozenset()) -> None:
        self._inner = ThreadedResolver()
        self._trusted = frozenset(h.lower() for h in trusted)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if host.lower() in self._trusted:
            return results
        allowed = [r for r in results if is_public(ipaddress.ip_address(r["host"]))]
        if not allowed:
            found = ", ".join(sorted({r["host"] for r in results}))
            log.warning("refused %s: resolves only to non-public addresses (%s)", host, found)
            raise AddressRefused(f"{host} resolves only to non-public addresses ({found})")
        return allowed

    async def close(self) -> None:
        await self._inner.close()
