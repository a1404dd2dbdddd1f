"""The connect-time address guard (:class:`GuardedResolver`, the DNS-rebinding defence).

``check_url`` only judges IP literals; a host *name* is judged by the resolver at connect
time, on every address it resolves to. Numeric spellings of loopback that ``ipaddress`` does
not read as IP literals (``0x7f000001``, ``0x7f.1``) are names to ``check_url`` and are
resolved by the system to 127.0.0.1: they reach the resolver, which must refuse them — directly
and as a redirect target.
"""

from __future__ import annotations

import ipaddress

import pytest
from aiohttp import web

from crawler.config import CrawlerConfig
from crawler.errors import BlockedAddressError
from crawler.fetch import Fetcher, check_url, is_public
from tests.conftest import LocalSite

REFUSED_BY_RESOLVER = "resolves only to non-public addresses"


@pytest.mark.parametrize("host", ["0x7f000001", "0x7f.0.0.1", "0x7f.1"])
async def test_numeric_loopback_names_are_refused_when_connecting(
    site: LocalSite, host: str
) -> None:
    site.text("/page", "<p>internal</p>")
    check_url(f"http://{host}:{site.port}/page", allow_private=False)  # passes: not a literal
    fetcher = Fetcher(CrawlerConfig(per_host_delay=0, obey_robots=False))
    try:
        with pytest.raises(BlockedAddressError, match=REFUSED_BY_RESOLVER) as refused:
            await fetcher.fetch(f"http://{host}:{site.port}/page", "html")
    finally:
        await fetcher.close()
    assert not refused.value.retryable and "allow_private_addresses" in str(refused.value)
    assert "/page" not in site.hits


async def test_a_redirect_to_a_numeric_loopback_name_is_refused_when_connecting(
    site: LocalSite,
) -> None:
    """The first hop is a name the operator trusts (as it trusts its proxy host: here an unused
    ``ftp`` proxy entry names it), so it connects to this machine; its redirect to another
    spelling of loopback is refused by the resolver, not by ``check_url``."""

    async def hop(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"http://0x7f.0.0.1:{site.port}/page")

    site.route("/hop", hop)
    site.text("/page", "<p>internal</p>")
    fetcher = Fetcher(
        CrawlerConfig(per_host_delay=0, obey_robots=False),
        proxies={"ftp": "http://0x7f000001:1"},
    )
    try:
        with pytest.raises(BlockedAddressError, match=REFUSED_BY_RESOLVER):
            await fetcher.fetch(f"http://0x7f000001:{site.port}/hop", "html")
    finally:
        await fetcher.close()
    assert site.hits["/hop"] == 1 and "/page" not in site.hits


@pytest.mark.parametrize("address", ["fec0::1", "fec0:1::2", "feff:ffff::1"])
def test_site_local_ipv6_is_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))
    with pytest.raises(BlockedAddressError):
        check_url(f"http://[{address}]/x", allow_private=False)
