"""fetch() against real loopback servers: results, headers, redirects, conditional GET, TLS, threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from newsdesk.reader.fetcher import BlockedAddress, ConnectionFailed, FetchOptions, TooManyRedirects, fetch, post
from newsdesk.reader.fetcher.errors import (
    MSG_CONNECT_FAILED,
    MSG_PROTOCOL_ERROR,
    MSG_TLS_FAILED,
    MSG_TOO_MANY_REDIRECTS,
)
from newsdesk.reader.fetcher.options import DEFAULT_ACCEPT, DEFAULT_USER_AGENT

from .conftest import StubResolver
from .servers import Exchange, free_loopback_listener, make_certificate

LOOPBACK = FetchOptions(allow_loopback=True, timeout_s=5)
ETAG = '"v1"'
LAST_MODIFIED = "Wed, 25 Nov 2026 10:00:00 GMT"


def _hello(exchange: Exchange) -> None:
    exchange.respond(200, b"hello", [("Content-Type", "text/plain"), ("X-Custom", "one"), ("X-Custom", "two")])


def _redirect_to(location: str, status: int = 302):
    return lambda exchange: exchange.respond(status, headers=[("Location", location)])


def _conditional(exchange: Exchange) -> None:
    if exchange.headers.get("if-none-match") == ETAG or exchange.headers.get("if-modified-since") == LAST_MODIFIED:
        exchange.respond(304, headers=[("ETag", ETAG)])
    else:
        exchange.respond(200, b"<rss/>", [("ETag", ETAG), ("Last-Modified", LAST_MODIFIED)])


def test_successful_fetch_returns_body_headers_and_peer(serve):
    server = serve({"/feed": _hello})
    result = fetch(server.url("/feed"), options=LOOPBACK)
    assert (result.status, result.body, result.content_type) == (200, b"hello", "text/plain")
    assert result.headers["x-custom"] == "one, two"
    assert result.url == result.final_url == server.url("/feed")
    assert result.peer_address == "127.0.0.1"
    assert result.redirects == ()
    assert 0 < result.elapsed_s < 5


def test_request_carries_user_agent_accept_and_host(serve):
    server = serve({"/": _hello})
    fetch(server.url("/"), options=LOOPBACK)
    fetch(server.url("/"), options=LOOPBACK, accept="application/rss+xml")
    default, custom = server.requests
    assert default.headers["user-agent"] == DEFAULT_USER_AGENT
    assert "newsdesk" in DEFAULT_USER_AGENT
    assert "https://" in DEFAULT_USER_AGENT
    assert default.headers["accept"] == DEFAULT_ACCEPT
    assert default.headers["accept-encoding"] == "gzip, deflate, br"
    assert default.host == f"127.0.0.1:{server.port}"
    assert custom.headers["accept"] == "application/rss+xml"


@pytest.mark.parametrize("status", [404, 410, 429, 500, 503])
def test_error_statuses_are_results_not_exceptions(serve, status):
    server = serve({"/": lambda exchange: exchange.respond(status, b"nope", [("Retry-After", "120")])})
    result = fetch(server.url("/"), options=LOOPBACK)
    assert (result.status, result.body) == (status, b"nope")
    assert result.retry_after_s() == 120.0


def test_error_page_body_is_truncated_at_the_cap_instead_of_failing(serve):
    server = serve({"/": lambda exchange: exchange.stream(500, [b"x" * 4096] * 64)})
    result = fetch(server.url("/"), options=FetchOptions(allow_loopback=True, max_bytes=10_000))
    assert result.status == 500
    assert len(result.body) <= 10_000


def test_redirect_chain_is_recorded_and_relative_locations_resolve(serve):
    routes = {
        "/a": _redirect_to("/b", 301),
        "/b": _redirect_to("c", 308),
        "/c": _redirect_to("/d?x=1", 302),
        "/d": _hello,
    }
    server = serve(routes)
    result = fetch(server.url("/a"), options=LOOPBACK)
    assert result.body == b"hello"
    assert result.final_url == server.url("/d?x=1")
    assert result.redirects == ((301, server.url("/b")), (308, server.url("/c")), (302, server.url("/d?x=1")))
    assert result.permanent_redirect is False


def test_permanent_redirect_only_when_every_hop_is_permanent(serve):
    server = serve({"/old": _redirect_to("/older", 301), "/older": _redirect_to("/new", 308), "/new": _hello})
    assert fetch(server.url("/old"), options=LOOPBACK).permanent_redirect is True


def test_exactly_max_redirects_is_fine_one_more_is_not(serve):
    routes = {f"/hop{n}": _redirect_to(f"/hop{n + 1}", 302) for n in range(6)}
    routes["/hop5"] = _hello
    server = serve(routes)
    assert len(fetch(server.url("/hop0"), options=LOOPBACK).redirects) == 5
    with pytest.raises(TooManyRedirects) as info:
        fetch(server.url("/hop0"), options=FetchOptions(allow_loopback=True, max_redirects=4))
    assert str(info.value) == MSG_TOO_MANY_REDIRECTS


def test_redirect_loop_stops_at_the_limit(serve):
    server = serve({"/loop": _redirect_to("/loop", 307)})
    with pytest.raises(TooManyRedirects):
        fetch(server.url("/loop"), options=LOOPBACK)
    assert len(server.requests) == 6  # the first request plus five followed redirects


def test_location_with_raw_spaces_is_followed_like_browsers_do(serve):
    server = serve({"/old": _redirect_to("/new feed.xml"), "/new%20feed.xml": _hello})
    result = fetch(server.url("/old"), options=LOOPBACK)
    assert (result.body, result.final_url) == (b"hello", server.url("/new%20feed.xml"))


def test_error_page_with_unsupported_encoding_keeps_its_status(serve):
    server = serve({"/": lambda ex: ex.respond(503, b"\x28\xb5\x2f\xfd", [("Content-Encoding", "zstd")])})
    result = fetch(server.url("/"), options=LOOPBACK)
    assert (result.status, result.body) == (503, b"")


def test_redirect_status_without_location_is_returned_as_is(serve):
    server = serve({"/": lambda exchange: exchange.respond(302, b"moved somewhere")})
    result = fetch(server.url("/"), options=LOOPBACK)
    assert (result.status, result.redirects) == (302, ())


@pytest.mark.parametrize(
    ("etag", "last_modified"),
    [(ETAG, ""), ("", LAST_MODIFIED), (ETAG, LAST_MODIFIED)],
)
def test_conditional_get_sends_validators_and_gets_not_modified(serve, etag, last_modified):
    server = serve({"/feed": _conditional})
    result = fetch(server.url("/feed"), options=LOOPBACK, etag=etag, last_modified=last_modified)
    assert result.status == 304
    assert result.body == b""
    sent = server.requests[0].headers
    assert sent.get("if-none-match", "") == etag
    assert sent.get("if-modified-since", "") == last_modified


def test_unconditional_get_returns_validators_for_next_time(serve):
    server = serve({"/feed": _conditional})
    result = fetch(server.url("/feed"), options=LOOPBACK)
    assert (result.status, result.etag, result.last_modified) == (200, ETAG, LAST_MODIFIED)
    assert "if-none-match" not in server.requests[0].headers


def test_header_values_with_line_breaks_are_rejected():
    with pytest.raises(ValueError, match="line break"):
        fetch("http://127.0.0.1:9/", options=LOOPBACK, etag='"x"\r\nX-Injected: 1')


def test_many_threads_can_fetch_at_once(serve):
    def item(exchange: Exchange) -> None:
        exchange.respond(200, exchange.path.removeprefix("/").encode())

    server = serve({f"/item{n}": item for n in range(32)})
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda n: fetch(server.url(f"/item{n}"), options=LOOPBACK), range(32)))
    assert [result.body for result in results] == [f"item{n}".encode() for n in range(32)]


def test_idn_host_is_resolved_and_sent_as_punycode(serve):
    server = serve({"/": _hello})
    resolver = StubResolver({"xn--bcher-kva.example": ["127.0.0.1"]})
    options = FetchOptions(resolver=resolver, allow_loopback=True)
    result = fetch(f"http://b\u00fccher.example:{server.port}/", options=options)
    assert result.body == b"hello"
    assert server.requests[0].host == f"xn--bcher-kva.example:{server.port}"


def test_https_verifies_the_certificate_against_the_url_host_not_the_pinned_ip(serve, tmp_path):
    certificate = make_certificate(tmp_path, ["news.example"])
    server = serve({"/": _hello}, tls=certificate.server_context())
    resolver = StubResolver({"news.example": ["127.0.0.1"], "other.example": ["127.0.0.1"]})
    trusted = FetchOptions(resolver=resolver, allow_loopback=True, ssl_context=certificate.client_context())
    assert fetch(server.url("/", host="news.example"), options=trusted).body == b"hello"
    for url, options in [
        (server.url("/", host="other.example"), trusted),  # name not on the certificate
        (server.url("/", host="news.example"), FetchOptions(resolver=resolver, allow_loopback=True)),  # untrusted CA
    ]:
        with pytest.raises(ConnectionFailed) as info:
            fetch(url, options=options)
        assert str(info.value) == MSG_TLS_FAILED


def test_ipv6_loopback_literal_is_fetched_only_with_loopback_allowed(serve):
    try:
        server = serve({"/": _hello}, bind="::1")
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    url = f"http://[::1]:{server.port}/"
    with pytest.raises(BlockedAddress):
        fetch(url, options=FetchOptions())
    result = fetch(url, options=LOOPBACK)
    assert (result.body, result.final_url, result.peer_address) == (b"hello", url, "::1")
    assert server.requests[0].host == f"[::1]:{server.port}"


def test_closed_port_is_a_connection_failure():
    listener = free_loopback_listener(0)
    assert listener is not None
    port = listener.getsockname()[1]
    listener.close()
    with pytest.raises(ConnectionFailed) as info:
        fetch(f"http://127.0.0.1:{port}/", options=LOOPBACK)
    assert str(info.value) == MSG_CONNECT_FAILED


def test_garbage_instead_of_http_is_a_protocol_error(serve):
    def garbage(exchange: Exchange) -> None:
        exchange.handler.wfile.write(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")
        exchange.handler.close_connection = True

    server = serve({"/": garbage})
    with pytest.raises(ConnectionFailed) as info:
        fetch(server.url("/"), options=LOOPBACK)
    assert str(info.value) == MSG_PROTOCOL_ERROR


def test_post_sends_the_body_with_its_type_and_returns_the_reply(serve):
    seen = []

    def _hub(exchange: Exchange) -> None:
        seen.append((exchange.method, exchange.headers.get("content-type"), exchange.read_body()))
        exchange.respond(202, b"accepted", [("Content-Type", "text/plain")])

    server = serve({"/hub": _hub})
    result = post(
        server.url("/hub"), b"hub.mode=subscribe", options=LOOPBACK, content_type="application/x-www-form-urlencoded"
    )
    assert (result.status, result.body) == (202, b"accepted")
    assert seen == [("POST", "application/x-www-form-urlencoded", b"hub.mode=subscribe")]
    assert server.requests[0].headers["user-agent"] == DEFAULT_USER_AGENT


def test_post_follows_no_redirect(serve):
    server = serve({"/hub": _redirect_to("/elsewhere", 307), "/elsewhere": _hello})
    result = post(server.url("/hub"), b"x=1", options=LOOPBACK, content_type="text/plain")
    assert result.status == 307
    assert [r.path for r in server.requests] == ["/hub"]


def test_post_goes_through_the_ssrf_guard(serve):
    server = serve({"/hub": _hello})
    with pytest.raises(BlockedAddress):
        post(server.url("/hub"), b"x=1", options=FetchOptions(timeout_s=5), content_type="text/plain")
    assert server.requests == []
