"""Every URL of the shared SSRF corpus is refused by policy, and nothing connects anywhere."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from newsdesk.reader.fetcher import (
    BlockedAddress,
    BlockedScheme,
    FetchError,
    FetchOptions,
    InvalidURL,
    fetch,
    transport,
)
from newsdesk.reader.fetcher import errors as fetch_errors

from .corpus import CorpusResolver, CorpusRow, load_corpus
from .servers import Exchange, accepted_count, free_loopback_listener, make_certificate

MESSAGES = {value for name, value in vars(fetch_errors).items() if name.startswith("MSG_")}
POLICY_REFUSALS = (InvalidURL, BlockedScheme, BlockedAddress)
# The redirectors' names resolve to this public-looking address; `connect_socket` is rerouted so
# that "connecting" to it reaches our loopback stand-in server. No packet is ever addressed to it,
# and the socket fence would refuse one if it were.
STAND_IN_PUBLIC_IP = "93.184.215.14"


def _no_resolver(host: str, port: int) -> list[str]:
    raise AssertionError(f"resolver called for {host!r}: IP-literal rows must be refused without DNS")


def _refusal(url: str, options: FetchOptions) -> FetchError | None:
    try:
        fetch(url, options=options)
    except FetchError as exc:
        return exc
    return None


@pytest.fixture
def stray_listeners() -> Iterator[list[socket.socket]]:
    """Listeners on 127.0.0.1:80 and :443 (when free) that must never see a connection."""
    listeners = [sock for port in (80, 443) if (sock := free_loopback_listener(port)) is not None]
    yield listeners
    for listener in listeners:
        listener.close()


def test_every_corpus_url_is_refused_by_policy_without_connecting(socket_fence, stray_listeners):
    rows = [row for row in load_corpus() if not row.is_redirector]
    failures = []
    for row in rows:
        resolver = CorpusResolver() if row.needs_dns_stub else _no_resolver
        error = _refusal(row.url, FetchOptions(resolver=resolver, timeout_s=2))
        if not isinstance(error, POLICY_REFUSALS) or str(error) not in MESSAGES:
            failures.append(f"{row.url!r} ({row.category}): {error!r}")
    assert failures == []
    assert socket_fence.attempts == []
    assert sum(accepted_count(listener) for listener in stray_listeners) == 0
    assert len(rows) > 500


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda url: " " + url, id="leading-space"),
        pytest.param(lambda url: "\t" + url, id="leading-tab"),
        pytest.param(lambda url: "\x00" + url, id="leading-nul"),
        pytest.param(lambda url: url.replace("//", "//\r\n", 1), id="crlf-after-slashes"),
        pytest.param(lambda url: url[:-1] + "\r\n" + url[-1:], id="crlf-before-last-char"),
    ],
)
def test_whitespace_and_control_variants_of_corpus_urls_are_invalid(socket_fence, mangle):
    for row in load_corpus():
        with pytest.raises((InvalidURL, BlockedScheme)) as info:
            fetch(mangle(row.url), options=FetchOptions(resolver=_no_resolver))
        assert str(info.value) in MESSAGES
    assert socket_fence.attempts == []


class _StandInSocket(socket.socket):
    """A loopback connection that reports the stand-in public address as its peer."""

    reported_peer: tuple[str, int] = ("", 0)

    def getpeername(self) -> tuple[str, int]:
        return self.reported_peer


def test_corpus_redirectors_are_refused_at_the_internal_hop(monkeypatch, serve, tmp_path, socket_fence):
    """httpbin.org/redirect-to and r3dir.me rows: hop 1 reaches our stand-in, hop 2 is refused."""

    def redirect(exchange: Exchange) -> None:
        label = exchange.headers.get("host", "").split(".")[0]
        status = int(label) if label in {"301", "302", "303", "307", "308"} else 302
        target = exchange.query.get("url", "http://169.254.169.254/latest/meta-data/")
        exchange.respond(status, headers=[("Location", target)])

    routes = {"/redirect-to": redirect, "/--to/": redirect, "/": redirect}
    certificate = make_certificate(tmp_path, ["r3dir.me", "*.r3dir.me", "*.302.r3dir.me", "httpbin.org"])
    servers = {80: serve(routes), 443: serve(routes, tls=certificate.server_context())}
    real_connect_socket = transport.connect_socket

    def connect_via_stand_in(address: str, port: int, timeout: float) -> socket.socket:
        if address != STAND_IN_PUBLIC_IP:
            return real_connect_socket(address, port, timeout)
        sock = _StandInSocket(socket.AF_INET, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(("127.0.0.1", servers[port].port))
        sock.reported_peer = (STAND_IN_PUBLIC_IP, port)
        return sock

    monkeypatch.setattr(transport, "connect_socket", connect_via_stand_in)
    redirector_rows: list[CorpusRow] = [row for row in load_corpus() if row.is_redirector]
    stand_in_ports = {("127.0.0.1", server.port) for server in servers.values()}
    failures = []
    for row in redirector_rows:
        socket_fence.clear()
        seen_before = sum(len(server.requests) for server in servers.values())
        resolver = CorpusResolver(overrides={suffix: [STAND_IN_PUBLIC_IP] for suffix in ("httpbin.org", "r3dir.me")})
        options = FetchOptions(resolver=resolver, timeout_s=3, ssl_context=certificate.client_context())
        error = _refusal(row.url, options)
        seen = sum(len(server.requests) for server in servers.values()) - seen_before
        if not isinstance(error, POLICY_REFUSALS) or seen != 1 or socket_fence.destinations() - stand_in_ports:
            failures.append(f"{row.url!r}: {error!r}, stand-in requests {seen}, fence {socket_fence.attempts}")
    assert failures == []
    assert len(redirector_rows) >= 13
