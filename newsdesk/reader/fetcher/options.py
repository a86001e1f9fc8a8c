"""FetchOptions: everything a caller may tune about one fetch. Built from settings by Django code."""

from __future__ import annotations

import functools
import socket
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import certifi

DEFAULT_USER_AGENT = "newsdesk/0.1 (+https://github.com/newsdesk/newsdesk; automatic news aggregator)"
DEFAULT_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)
DEFAULT_MAX_BYTES = 15 * 1024 * 1024

Resolver = Callable[[str, int], Sequence[str]]


def resolve_host(host: str, port: int) -> list[str]:
    """IP addresses for `host` from the system resolver (socket.getaddrinfo), in its preferred order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@functools.cache
def default_ssl_context() -> ssl.SSLContext:
    """One verifying context for all fetches (SSLContext is safe to share between threads).

    certifi's CA bundle (a declared dependency) rather than the system's, so every host trusts the same CAs."""
    return ssl.create_default_context(cafile=certifi.where())


@dataclass(frozen=True)
class FetchOptions:
    timeout_s: float = 20.0  # one deadline for the whole fetch: DNS, connect, TLS, redirects, body
    max_bytes: int = DEFAULT_MAX_BYTES  # cap on the decoded body (and on the bytes on the wire)
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    allow_loopback: bool = False  # admit 127.0.0.0/8 and ::1 (demo world, tests); private ranges never
    accept: str = DEFAULT_ACCEPT
    resolver: Resolver = resolve_host  # tests inject stubs that answer internal addresses
    ssl_context: ssl.SSLContext | None = field(default=None, compare=False)  # None: default_ssl_context()

    def __post_init__(self) -> None:
        if self.timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        if self.max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        if self.max_redirects < 0:
            raise ValueError("max_redirects must not be negative")
