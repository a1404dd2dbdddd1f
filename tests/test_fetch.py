"""The fetcher against a real local server that misbehaves on purpose."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import zlib
from typing import Any

import brotli
import pytest
from aiohttp import web

from crawler.config import CrawlerConfig
from crawler.core.extract import decode_html
from crawler.core.feedparse import parse_feed
from crawler.errors import (
    BlockedAddressError,
    ContentTypeError,
    FetchError,
    HostBusyError,
    HTTPStatusError,
    RedirectError,
    RobotsDisallowedError,
    TooLargeError,
)
from crawler.fetch import Fetcher, check_url, is_public
from tests.conftest import LocalSite


def _fetcher(**overrides: object) -> Fetcher:
    base = {
        "allow_private_addresses": True,
        "total_timeout": 5.0,
        "read_timeout": 1.0,
        "per_host_delay": 0.0,
    }
    return Fetcher(CrawlerConfig.model_validate({**base, **overrides}))


async def test_conditional_get_round_trip(site: LocalSite) -> None:
    async def handler(request: web.Request) -> web.Response:
        if (
            request.headers.get("If-None-Match") == '"v1"'
            and request.headers.get("If-Modified-Since") == "Sun, 09 Jan 2022 08:00:00 GMT"
        ):
            return web.Response(status=304)
        return web.Response(
            text="<p>hi</p>",
            content_type="text/html",
            headers={"ETag": '"v1"', "Last-Modified": "Sun, 09 Jan 2022 08:00:00 GMT"},
        )

    url = site.route("/a", handler)
    fetcher = _fetcher()
    try:
        first = await fetcher.fetch(url, "html")
        again = await fetcher.fetch(url, "html", etag=first.etag, last_modified=first.last_modified)
    finally:
        await fetcher.close()
    assert first.status == 200 and first.body == b"<p>hi</p>"
    assert again.not_modified and again.body == b""


async def test_endless_body_is_cut_at_the_cap(site: LocalSite) -> None:
    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        try:
            while True:
                await response.write(b"x" * 65536)
        except (ConnectionResetError, RuntimeError):
            return response

    url = site.route("/endless", endless)
    fetcher = _fetcher(max_body_bytes=1_000_000)
    try:
        with pytest.raises(TooLargeError):
            await fetcher.fetch(url, "html")
    finally:
        await fetcher.close()


async def test_gzip_bomb_is_cut_on_decompressed_size(site: LocalSite) -> None:
    bomb = gzip.compress(b"\0" * 50_000_000)
    assert len(bomb) < 100_000

    async def handler(request: web.Request) -> web.Response:
        return web.Response(
            body=bomb, headers={"Content-Encoding": "gzip", "Content-Type": "text/html"}
        )

    url = site.route("/bomb", handler)
    fetcher = _fetcher(max_body_bytes=2_000_000)
    try:
        with pytest.raises(TooLargeError):
            await fetcher.fetch(url, "html")
    finally:
        await fetcher.close()


async def test_deflate_body_is_decoded(site: LocalSite) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(
            body=zlib.compress(b"<p>compressed</p>"),
            headers={"Content-Encoding": "deflate", "Content-Type": "text/html"},
        )

    url = site.route("/deflate", handler)
    fetcher = _fetcher()
    try:
        assert (await fetcher.fetch(url, "html")).body == b"<p>compressed</p>"
    finally:
        await fetcher.close()


async def test_slow_drip_times_out(site: LocalSite) -> None:
    async def drip(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        await response.write(b"<p>")
        await asyncio.sleep(3)
        return response

    url = site.route("/drip", drip)
    fetcher = _fetcher(read_timeout=0.3)
    try:
        with pytest.raises(FetchError, match="timed out") as caught:
            await fetcher.fetch(url, "html")
    finally:
        await fetcher.close()
    assert caught.value.retryable


async def test_redirect_loop_and_limit(site: LocalSite) -> None:
    async def to_b(request: web.Request) -> web.Response:
        raise web.HTTPFound("/b")

    async def to_a(request: web.Request) -> web.Response:
        raise web.HTTPFound("/a")

    site.route("/a", to_b)
    site.route("/b", to_a)
    for n in range(8):

        async def step(request: web.Request, n: int = n) -> web.Response:
            raise web.HTTPFound(f"/r{n + 1}")

        site.route(f"/r{n}", step)
    fetcher = _fetcher(max_redirects=5)
    try:
        with pytest.raises(RedirectError, match="loop"):
            await fetcher.fetch(site.url("/a"), "html")
        with pytest.raises(RedirectError, match="more than 5"):
            await fetcher.fetch(site.url("/r0"), "html")
    finally:
        await fetcher.close()


async def test_private_addresses_are_refused_by_default(site: LocalSite) -> None:
    site.text("/page", "<p>secret</p>")

    async def to_private(request: web.Request) -> web.Response:
        raise web.HTTPFound(site.url("/page"))

    fetcher = Fetcher(CrawlerConfig())
    try:
        with pytest.raises(BlockedAddressError, match="allow_private_addresses"):
            await fetcher.fetch(site.url("/page"), "html")
        with pytest.raises(BlockedAddressError):
            await fetcher.fetch(f"http://localhost:{site.port}/page", "html")
    finally:
        await fetcher.close()
    assert site.hits.get("/page", 0) == 0


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "100.64.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",
        "::",
    ],
)
def test_non_public_addresses(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))
    url_host = f"[{address}]" if ":" in address else address
    with pytest.raises(BlockedAddressError):
        check_url(f"http://{url_host}/x", allow_private=False)


def test_public_addresses_and_schemes() -> None:
    assert is_public(ipaddress.ip_address("93.184.216.34"))
    assert is_public(ipaddress.ip_address("2606:2800:220:1:248:1893:25c8:1946"))
    check_url("https://example.org/x", allow_private=False)
    for url in ("file:///etc/passwd", "ftp://example.org/", "gopher://x/"):
        with pytest.raises(BlockedAddressError):
            check_url(url, allow_private=True)


async def test_http_errors_are_typed(site: LocalSite) -> None:
    async def busy(request: web.Request) -> web.Response:
        return web.Response(status=503, headers={"Retry-After": "120"})

    site.route("/busy", busy)
    fetcher = _fetcher()
    try:
        with pytest.raises(HTTPStatusError) as missing:
            await fetcher.fetch(site.url("/missing"), "html")
        with pytest.raises(HTTPStatusError) as caught:
            await fetcher.fetch(site.url("/busy"), "html")
        with pytest.raises(HostBusyError) as paused:  # Retry-After holds the whole host
            await fetcher.fetch(site.url("/missing"), "html")
    finally:
        await fetcher.close()
    assert caught.value.retryable and caught.value.retry_after == 120
    assert missing.value.status == 404 and not missing.value.retryable
    assert paused.value.retryable and paused.value.retry_after is not None
    assert 100 < paused.value.retry_after <= 120


async def test_binary_content_type_is_refused_for_articles(site: LocalSite) -> None:
    async def image(request: web.Request) -> web.Response:
        return web.Response(body=b"\x89PNG\r\n", content_type="image/png")

    site.route("/img", image)
    fetcher = _fetcher()
    try:
        with pytest.raises(ContentTypeError):
            await fetcher.fetch(site.url("/img"), "html")
    finally:
        await fetcher.close()


async def test_brotli_bomb_is_cut_and_brotli_bodies_decode(site: LocalSite) -> None:
    bomb = brotli.compress(b"\0" * 50_000_000)
    assert len(bomb) < 100_000

    async def handler(request: web.Request) -> web.Response:
        body = bomb if request.path == "/bomb" else brotli.compress(b"<p>brotli</p>")
        return web.Response(
            body=body, headers={"Content-Encoding": "br", "Content-Type": "text/html"}
        )

    site.route("/bomb", handler)
    site.route("/small", handler)
    fetcher = _fetcher(max_body_bytes=2_000_000)
    try:
        assert (await fetcher.fetch(site.url("/small"), "html")).body == b"<p>brotli</p>"
        with pytest.raises(TooLargeError):
            await fetcher.fetch(site.url("/bomb"), "html")
    finally:
        await fetcher.close()
    assert "br" in site.requests[0].headers.get("Accept-Encoding", "")


async def test_binary_served_as_html_and_html_served_as_feed_are_refused(site: LocalSite) -> None:
    async def png_as_html(request: web.Request) -> web.Response:
        return web.Response(body=b"\x89PNG\r\n\x1a\n" + b"\0" * 200, content_type="text/html")

    site.route("/photo", png_as_html)
    site.text("/news", "<!doctype html><html><body><p>not a feed</p></body></html>")
    site.text("/feed-as-html", '<?xml version="1.0"?><rss version="2.0"><channel/></rss>')
    fetcher = _fetcher()
    try:
        with pytest.raises(ContentTypeError, match="binary content served as text/html"):
            await fetcher.fetch(site.url("/photo"), "html")
        with pytest.raises(ContentTypeError, match="not a feed"):
            await fetcher.fetch(site.url("/news"), "feed")
        # a real feed mislabelled text/html is still accepted: the markup decides
        assert (await fetcher.fetch(site.url("/feed-as-html"), "feed")).status == 200
    finally:
        await fetcher.close()


CYRILLIC = "Власти Казахстана сообщили о восстановлении порядка"


async def test_wrong_declared_charset_is_corrected(site: LocalSite) -> None:
    page = f"<html><head><title>{CYRILLIC}</title></head><body><p>{CYRILLIC}.</p></body></html>"
    feed = (
        '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>Лента'
        f"</title><item><title>{CYRILLIC}</title><link>https://n.example/1</link></item>"
        "</channel></rss>"
    )
    undeclared = feed.replace(' encoding="windows-1251"', "")

    def cp1251(body: str, content_type: str) -> Any:
        async def handler(request: web.Request) -> web.Response:
            return web.Response(body=body.encode("cp1251"), headers={"Content-Type": content_type})

        return handler

    site.route("/page", cp1251(page, "text/html; charset=utf-8"))  # lies: it is windows-1251
    site.route("/feed", cp1251(feed, "application/rss+xml; charset=utf-8"))  # lies too
    site.route("/bare", cp1251(undeclared, "text/xml; charset=windows-1251"))  # header only
    fetcher = _fetcher()
    try:
        fetched_page = await fetcher.fetch(site.url("/page"), "html")
        feeds = [await fetcher.fetch(site.url(p), "feed") for p in ("/feed", "/bare")]
    finally:
        await fetcher.close()
    text, charset = decode_html(fetched_page.body, fetched_page.charset)
    assert CYRILLIC in text and charset != "utf-8"
    for fetched in feeds:
        parsed = parse_feed(fetched.body, fetched.url, fetched.headers)
        assert [e.title for e in parsed.entries] == [CYRILLIC]


async def test_robots_txt_is_obeyed_for_articles_and_fetched_once(site: LocalSite) -> None:
    site.text("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    for path in ("/private/a", "/public/a", "/public/b", "/private/feed"):
        site.text(path, "<p>page</p>")
    fetcher = _fetcher()
    try:
        with pytest.raises(RobotsDisallowedError) as refused:
            await fetcher.fetch(site.url("/private/a"), "html")
        assert (await fetcher.fetch(site.url("/public/a"), "html")).status == 200
        assert (await fetcher.fetch(site.url("/public/b"), "html")).status == 200
        # feeds are the user's own subscriptions: robots.txt does not apply by default
        assert (await fetcher.fetch(site.url("/private/feed"), "any")).status == 200
    finally:
        await fetcher.close()
    assert not refused.value.retryable
    assert "/private/a" not in site.hits
    assert site.hits["/robots.txt"] == 1
    strict = _fetcher(robots_for_feeds=True)
    try:
        with pytest.raises(RobotsDisallowedError):
            await strict.fetch(site.url("/private/feed"), "feed")
    finally:
        await strict.close()


async def test_a_robots_txt_over_500_kib_is_cut_not_ignored(site: LocalSite) -> None:
    """RFC 9309: parse at least the first 500 KiB. A 740 KB file whose rules come first still
    forbids what it says (it used to be "too large", i.e. no rules at all)."""
    padding = "# a very long robots.txt, as some sites serve them\n" * 15_000
    site.text("/robots.txt", f"User-agent: *\nDisallow: /private/\n{padding}", "text/plain")
    site.text("/private/a", "<p>private</p>")
    site.text("/public/a", "<p>public</p>")
    fetcher = _fetcher()
    try:
        with pytest.raises(RobotsDisallowedError):
            await fetcher.fetch(site.url("/private/a"), "html")
        assert (await fetcher.fetch(site.url("/public/a"), "html")).status == 200
    finally:
        await fetcher.close()
    assert "/private/a" not in site.hits and site.hits["/robots.txt"] == 1


async def test_robots_txt_is_shared_by_processes_through_redis(site: LocalSite, store: Any) -> None:
    site.text("/robots.txt", "User-agent: newswatch\nDisallow: /x\n", content_type="text/plain")
    site.text("/y", "<p>y</p>")
    fetchers = [
        Fetcher(CrawlerConfig(allow_private_addresses=True, per_host_delay=0), store.hosts)
        for _ in range(3)
    ]
    try:
        for fetcher in fetchers:
            assert (await fetcher.fetch(site.url("/y"), "html")).status == 200
            with pytest.raises(RobotsDisallowedError):
                await fetcher.fetch(site.url("/x"), "html")
    finally:
        for fetcher in fetchers:
            await fetcher.close()
    assert site.hits["/robots.txt"] == 1 and "/x" not in site.hits


async def test_robots_txt_errors_follow_rfc_9309(site: LocalSite) -> None:
    async def status(code: int) -> Any:
        async def handler(request: web.Request) -> web.Response:
            return web.Response(status=code)

        return handler

    other = LocalSite()  # a second origin whose robots.txt fails with 503
    await other.start()
    try:
        other.route("/robots.txt", await status(503))
        other.text("/page", "<p>page</p>")
        site.text("/page", "<p>page</p>")  # this origin has no robots.txt at all (404)
        fetcher = _fetcher()
        try:
            assert (await fetcher.fetch(site.url("/page"), "html")).status == 200
            with pytest.raises(FetchError, match=r"robots\.txt unreachable") as unreachable:
                await fetcher.fetch(other.url("/page"), "html")
        finally:
            await fetcher.close()
    finally:
        await other.close()
    assert unreachable.value.retryable and unreachable.value.retry_after
    assert "/page" not in other.hits


async def test_proxy_from_the_environment_is_used_and_not_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proxy = LocalSite()  # answers proxied requests itself: nothing leaves the machine
    seen: list[str] = []

    async def forward(request: web.Request) -> web.Response:
        seen.append(str(request.url))
        return web.Response(text='<rss version="2.0"><channel/></rss>', content_type="text/xml")

    proxy.route("/world/rss.xml", forward)
    await proxy.start()
    monkeypatch.setenv("HTTP_PROXY", f"http://localhost:{proxy.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    fetcher = Fetcher(CrawlerConfig(per_host_delay=0))  # private addresses NOT allowed
    try:
        fetched = await fetcher.fetch("http://93.184.216.34/world/rss.xml", "feed")
        with pytest.raises(BlockedAddressError):
            await fetcher.fetch("http://10.1.2.3/rss.xml", "feed")
    finally:
        await fetcher.close()
        await proxy.close()
    assert fetched.status == 200
    assert seen == ["http://93.184.216.34/world/rss.xml"]


async def test_redirect_to_a_private_address_is_refused(
    site: LocalSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A public page (reached through a local proxy, so nothing leaves the machine) that
    redirects into the private network: every hop is checked, the private one refused."""
    site.text("/page", "<p>internal admin page</p>")
    targets = {
        "/to-loopback": f"http://127.0.0.1:{site.port}/page",
        "/to-localhost": f"http://localhost:{site.port}/page",
        "/to-mapped": f"http://[::ffff:127.0.0.1]:{site.port}/page",
        "/to-metadata": "http://169.254.169.254/latest/meta-data/",
    }
    proxy = LocalSite()

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound(targets[request.path])

    for path in targets:
        proxy.route(path, redirect)
    await proxy.start()
    monkeypatch.setenv("HTTP_PROXY", f"http://localhost:{proxy.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    fetcher = Fetcher(CrawlerConfig(per_host_delay=0, obey_robots=False))
    try:
        for path in targets:
            with pytest.raises(BlockedAddressError, match="allow_private_addresses"):
                await fetcher.fetch(f"http://93.184.216.34{path}", "html")
    finally:
        await fetcher.close()
        await proxy.close()
    assert all(proxy.hits[path] == 1 for path in targets)
    assert site.hits.get("/page", 0) == 0
