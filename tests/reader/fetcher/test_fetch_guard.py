"""The SSRF guard: URL parsing, the address policy, resolver answers, redirects and pinning."""

from __future__ import annotations

import socket
from ipaddress import ip_address

import pytest

from newsdesk.reader.fetcher import (
    BlockedAddress,
    BlockedScheme,
    ConnectionFailed,
    FetchOptions,
    InvalidURL,
    fetch,
    resolve_host,
    transport,
)
from newsdesk.reader.fetcher.address import is_fetchable_address
from newsdesk.reader.fetcher.errors import (
    MSG_AMBIGUOUS_URL,
    MSG_BLOCKED_ADDRESS,
    MSG_BLOCKED_HOST_NAME,
    MSG_BLOCKED_SCHEME,
    MSG_DNS_FAILED,
    MSG_INVALID_HOST,
    MSG_INVALID_PORT,
    MSG_INVALID_URL,
    MSG_OBFUSCATED_IP,
    MSG_PEER_MISMATCH,
    MSG_UNSAFE_CHARACTERS,
    MSG_USERINFO,
)
from newsdesk.reader.fetcher.target import parse_target

from .conftest import StubResolver
from .servers import Exchange


def _ok(exchange: Exchange) -> None:
    exchange.respond(200, b"hello", [("Content-Type", "text/plain")])


@pytest.mark.parametrize(
    ("url", "host", "port", "request_target"),
    [
        ("http://Example.COM/feed.xml", "example.com", 80, "/feed.xml"),
        ("https://example.com", "example.com", 443, "/"),
        ("https://example.com:8443/a?b=c#frag", "example.com", 8443, "/a?b=c"),
        ("HTTP://example.com./x", "example.com", 80, "/x"),
        ("http://example.com/a/./b/../c", "example.com", 80, "/a/c"),
        ("http://example.com/caf\u00e9", "example.com", 80, "/caf%C3%A9"),
        ("http://example.com/?q=a@b.example", "example.com", 80, "/?q=a@b.example"),
        ("http://example.com/@user.rss", "example.com", 80, "/@user.rss"),
        ("http://b\u00fccher.example/", "xn--bcher-kva.example", 80, "/"),
        ("http://[2606:4700:4700::1111]:8080/", "2606:4700:4700::1111", 8080, "/"),
        ("http://93.184.215.14/", "93.184.215.14", 80, "/"),
    ],
)
def test_parse_target_normalizes_what_goes_on_the_wire(url, host, port, request_target):
    target = parse_target(url)
    assert (target.host, target.port, target.request_target) == (host, port, request_target)


@pytest.mark.parametrize(
    ("url", "error", "message"),
    [
        ("ftp://example.com/", BlockedScheme, MSG_BLOCKED_SCHEME),
        ("javascript:alert(1)", BlockedScheme, MSG_BLOCKED_SCHEME),
        ("//example.com/", InvalidURL, MSG_INVALID_URL),
        ("http:/example.com/", InvalidURL, MSG_INVALID_URL),
        ("http://user:pass@example.com/", InvalidURL, MSG_USERINFO),
        ("http://example.com\\@10.0.0.1/", InvalidURL, MSG_UNSAFE_CHARACTERS),
        ("http://example.com#@10.0.0.1/", InvalidURL, MSG_AMBIGUOUS_URL),
        ("http://example.com/..%2f..%2f@10.0.0.1/", InvalidURL, MSG_AMBIGUOUS_URL),
        ("http://example.com/%2e%2e/admin", InvalidURL, MSG_AMBIGUOUS_URL),
        ("http://example.com:+80/", InvalidURL, MSG_INVALID_PORT),
        ("http://example.com:0/", InvalidURL, MSG_INVALID_PORT),
        ("http://example.com:65536/", InvalidURL, MSG_INVALID_PORT),
        ("http://exa%6dple.com/", InvalidURL, MSG_INVALID_HOST),
        ("http://example.com!/", InvalidURL, MSG_INVALID_HOST),
        ("http://[fe80::1%25eth0]/", InvalidURL, MSG_INVALID_HOST),
        ("http://[127.0.0.1]/", InvalidURL, MSG_INVALID_HOST),
        ("http://example.com\u200b/", InvalidURL, MSG_UNSAFE_CHARACTERS),
        ("http://o177.0.0.1/", InvalidURL, MSG_OBFUSCATED_IP),
        ("http://6425673729/", InvalidURL, MSG_OBFUSCATED_IP),
        ("http://425.510.425.510/", InvalidURL, MSG_OBFUSCATED_IP),
        ("http://1572395022/", InvalidURL, MSG_OBFUSCATED_IP),  # public 93.184.215.14, but written in decimal
        ("http://0127.0.0.1/", InvalidURL, MSG_OBFUSCATED_IP),  # octal: 87.0.0.1 to inet_aton, 127.0.0.1 to others
    ],
)
def test_malformed_ambiguous_and_foreign_urls_are_refused_before_dns(url, error, message):
    resolver = StubResolver({})
    with pytest.raises(error) as info:
        fetch(url, options=FetchOptions(resolver=resolver))
    assert str(info.value) == message
    assert resolver.calls == []


@pytest.mark.parametrize(
    ("address", "allow_loopback", "fetchable"),
    [
        ("93.184.215.14", False, True),
        ("2606:4700:4700::1111", False, True),
        ("127.0.0.1", False, False),
        ("127.0.0.1", True, True),
        ("127.255.255.254", True, True),
        ("::1", True, True),
        ("::1", False, False),
        ("10.0.0.1", True, False),
        ("172.16.0.1", True, False),
        ("192.168.0.1", True, False),
        ("169.254.169.254", True, False),
        ("100.64.0.1", True, False),
        ("100.100.100.200", True, False),
        ("192.0.0.192", True, False),
        ("168.63.129.16", True, False),
        ("0.0.0.0", True, False),
        ("255.255.255.255", True, False),
        ("224.0.0.1", True, False),
        ("240.0.0.1", True, False),
        ("198.18.0.1", True, False),
        ("192.0.2.1", True, False),
        ("::", True, False),
        ("::ffff:127.0.0.1", True, False),  # loopback smuggled in a mapped address stays refused
        ("::ffff:10.0.0.1", False, False),
        ("::ffff:93.184.215.14", False, True),
        ("::127.0.0.1", True, False),
        ("::ffff:0:7f00:1", True, False),
        ("64:ff9b::a9fe:a9fe", False, False),
        ("64:ff9b::5db8:d70e", False, True),  # NAT64 of a public address: how IPv6-only hosts reach IPv4
        ("64:ff9b:1::7f00:1", False, False),
        ("2002:7f00:1::", False, False),
        ("2002:5db8:d70e::1", False, True),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", False, False),  # Teredo
        ("2001:db8::1", False, False),
        ("fc00::1", False, False),
        ("fd00:ec2::254", False, False),
        ("fe80::1", False, False),
        ("fec0::1", False, False),
        ("ff02::1", False, False),
        ("100::1", False, False),
    ],
)
def test_address_policy(address, allow_loopback, fetchable):
    assert is_fetchable_address(ip_address(address), allow_loopback=allow_loopback) is fetchable


@pytest.mark.parametrize(
    ("answers", "allow_loopback"),
    [
        (["10.0.0.5"], False),
        (["10.0.0.5"], True),
        (["::ffff:127.0.0.1"], True),
        (["169.254.169.254"], True),
        (["93.184.215.14", "10.0.0.5"], False),  # one bad record is enough
        (["127.0.0.1", "192.168.0.1"], True),
        (["fd00::1"], False),
        (["fe80::1%eth0"], False),
        (["not-an-address"], False),
    ],
)
def test_public_looking_name_resolving_to_internal_address_is_refused(answers, allow_loopback, socket_fence):
    resolver = StubResolver({"public.example": answers})
    with pytest.raises(BlockedAddress) as info:
        fetch("http://public.example/", options=FetchOptions(resolver=resolver, allow_loopback=allow_loopback))
    assert str(info.value) == MSG_BLOCKED_ADDRESS
    assert "public.example resolves to" in info.value.detail
    assert socket_fence.attempts == []


@pytest.mark.parametrize(
    "url",
    [
        "http://metadata/computeMetadata/v1/",
        "http://instance-data/latest/",
        "http://metadata.google.internal/",
        "http://printer.local/",
        "http://router.home.arpa/",
        "http://metadata.packet.net/userdata",
    ],
)
def test_internal_host_names_are_refused_without_resolving(url):
    resolver = StubResolver({})
    with pytest.raises(BlockedAddress) as info:
        fetch(url, options=FetchOptions(resolver=resolver, allow_loopback=True))
    assert str(info.value) == MSG_BLOCKED_HOST_NAME
    assert resolver.calls == []


def test_localhost_is_refused_by_name_unless_loopback_is_allowed(serve):
    server = serve({"/": _ok})
    resolver = StubResolver({"localhost": ["127.0.0.1"]})
    with pytest.raises(BlockedAddress):
        fetch(server.url("/", host="localhost"), options=FetchOptions(resolver=resolver))
    assert resolver.calls == []
    result = fetch(server.url("/", host="localhost"), options=FetchOptions(resolver=resolver, allow_loopback=True))
    assert result.body == b"hello"


def test_resolver_failure_and_empty_answer_are_connection_failures():
    def broken(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    for resolver in (broken, StubResolver({"empty.example": []})):
        with pytest.raises(ConnectionFailed) as info:
            fetch("http://empty.example/", options=FetchOptions(resolver=resolver))
        assert str(info.value) == MSG_DNS_FAILED


@pytest.mark.parametrize(
    ("location", "error", "message"),
    [
        ("http://10.0.0.1/", BlockedAddress, MSG_BLOCKED_ADDRESS),
        ("http://169.254.169.254/latest/meta-data/", BlockedAddress, MSG_BLOCKED_ADDRESS),
        ("//192.168.0.1/admin", BlockedAddress, MSG_BLOCKED_ADDRESS),
        ("http://[fd00:ec2::254]/", BlockedAddress, MSG_BLOCKED_ADDRESS),
        ("http://[::ffff:127.0.0.1]/", BlockedAddress, MSG_BLOCKED_ADDRESS),
        ("http://internal.example/", BlockedAddress, MSG_BLOCKED_ADDRESS),
        ("http://metadata/", BlockedAddress, MSG_BLOCKED_HOST_NAME),
        ("file:///etc/passwd", BlockedScheme, MSG_BLOCKED_SCHEME),
        ("gopher://127.0.0.1:6379/_INFO", BlockedScheme, MSG_BLOCKED_SCHEME),
        ("http://0x7f.1/", InvalidURL, MSG_OBFUSCATED_IP),  # even with loopback allowed
        ("http://user@127.0.0.1/", InvalidURL, MSG_USERINFO),
    ],
)
def test_redirect_to_internal_target_is_refused_at_that_hop(serve, socket_fence, location, error, message):
    server = serve({"/go": lambda exchange: exchange.respond(302, headers=[("Location", location)])})
    resolver = StubResolver({"internal.example": ["10.1.2.3"]})
    options = FetchOptions(resolver=resolver, allow_loopback=True)
    with pytest.raises(error) as info:
        fetch(server.url("/go"), options=options)
    assert str(info.value) == message
    assert [request.path for request in server.requests] == ["/go"]
    assert socket_fence.destinations() == {("127.0.0.1", server.port)}
    assert socket_fence.refused == []


def test_connection_is_pinned_to_the_address_vetted_before_connecting(serve, socket_fence):
    """A rebinding DNS answers 127.0.0.1 at check time and 10.0.0.1 afterwards: we never ask twice."""
    server = serve({"/": _ok})
    answers = iter([["127.0.0.1"], ["10.0.0.1"], ["10.0.0.1"]])
    calls = []

    def rebinding(host: str, port: int) -> list[str]:
        calls.append(host)
        return next(answers)

    result = fetch(
        server.url("/", host="rebind.example"), options=FetchOptions(resolver=rebinding, allow_loopback=True)
    )
    assert result.status == 200
    assert result.peer_address == "127.0.0.1"
    assert calls == ["rebind.example"]
    assert socket_fence.destinations() == {("127.0.0.1", server.port)}


def test_each_redirect_hop_resolves_and_vets_again(serve, socket_fence):
    """The same name rebinds between hops: the second hop sees the private answer and stops."""
    server = serve({"/one": lambda exchange: exchange.respond(301, headers=[("Location", "/two")]), "/two": _ok})
    answers = iter([["127.0.0.1"], ["192.168.0.1"]])
    options = FetchOptions(resolver=lambda host, port: next(answers), allow_loopback=True)
    with pytest.raises(BlockedAddress) as info:
        fetch(server.url("/one", host="rebind.example"), options=options)
    assert "192.168.0.1" in info.value.detail
    assert [request.path for request in server.requests] == ["/one"]


def test_peer_address_other_than_the_vetted_one_is_refused(monkeypatch, serve):
    """If a connect ever lands somewhere else (a hooked resolver, a transparent proxy), we notice."""
    server = serve({"/": _ok})
    real_connect_socket = transport.connect_socket

    def misrouted(address: str, port: int, timeout: float) -> socket.socket:
        return real_connect_socket("127.0.0.1", server.port, timeout)

    monkeypatch.setattr(transport, "connect_socket", misrouted)
    resolver = StubResolver({"public.example": ["93.184.215.14"]})
    with pytest.raises(BlockedAddress) as info:
        fetch("http://public.example/", options=FetchOptions(resolver=resolver))
    assert str(info.value) == MSG_PEER_MISMATCH
    assert server.requests == []


def test_default_resolver_uses_getaddrinfo_and_falls_back_across_addresses(serve, socket_fence):
    """`localhost` may answer ::1 first; the server only listens on 127.0.0.1, so the next address wins."""
    assert "127.0.0.1" in resolve_host("localhost", 80)
    server = serve({"/": _ok})
    result = fetch(server.url("/", host="localhost"), options=FetchOptions(allow_loopback=True))
    assert (result.body, result.peer_address) == (b"hello", "127.0.0.1")
    assert socket_fence.refused == []


@pytest.mark.parametrize("bad", [{"timeout_s": 0}, {"max_bytes": 0}, {"max_redirects": -1}])
def test_fetch_options_reject_nonsense(bad):
    with pytest.raises(ValueError):  # noqa: PT011 - each message names its own field
        FetchOptions(**bad)
