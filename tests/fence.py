"""A socket fence for tests: record every outgoing connection and refuse any that leaves loopback.

`install_socket_fence()` patches `socket.socket.connect`, `socket.socket.connect_ex` and
`socket.create_connection` for the whole process (all threads). Loopback (127.0.0.0/8, ::1) and
Unix sockets pass; anything else raises OSError before a packet is sent. By default it also
refuses name lookups other than localhost, because a DNS query is itself traffic to the outside.

    fence = install_socket_fence()
    ...
    assert not fence.refused
    fence.uninstall()

or use the `socket_fence` fixture below. Fences nest: uninstall restores what was there before.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

_LOCAL_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost", "ip6-loopback"})


@dataclass(frozen=True)
class Attempt:
    """One connection attempt: `host` is an IP literal or name as the caller gave it."""

    host: str
    port: int | None
    via: str  # "connect", "connect_ex", "create_connection" or "getaddrinfo"


def is_loopback_destination(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return host.lower() in _LOCAL_NAMES
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


@dataclass
class SocketFence:
    attempts: list[Attempt] = field(default_factory=list)  # everything tried, allowed or not
    refused: list[Attempt] = field(default_factory=list)  # the non-loopback ones we stopped
    _originals: dict[str, Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def destinations(self) -> set[tuple[str, int | None]]:
        with self._lock:
            return {(a.host, a.port) for a in self.attempts if a.via != "getaddrinfo"}

    def clear(self) -> None:
        with self._lock:
            self.attempts.clear()
            self.refused.clear()

    def uninstall(self) -> None:
        if self._originals:
            socket.socket.connect = self._originals["connect"]  # type: ignore[method-assign]
            socket.socket.connect_ex = self._originals["connect_ex"]  # type: ignore[method-assign]
            socket.create_connection = self._originals["create_connection"]
            socket.getaddrinfo = self._originals["getaddrinfo"]
            self._originals.clear()

    def _check(self, host: str, port: int | None, via: str) -> bool:
        attempt = Attempt(host=host, port=port, via=via)
        allowed = is_loopback_destination(host)
        with self._lock:
            self.attempts.append(attempt)
            if not allowed:
                self.refused.append(attempt)
        return allowed


def _split(address: Any) -> tuple[str, int | None] | None:
    """(host, port) for inet addresses; None for Unix-socket paths and other families."""
    if isinstance(address, tuple) and len(address) >= 2 and isinstance(address[0], str):
        return address[0], address[1]
    return None


def install_socket_fence(*, block_dns: bool = True) -> SocketFence:
    """Patch the socket module process-wide; returns the fence holding the record."""
    fence = SocketFence()
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_create_connection = socket.create_connection
    original_getaddrinfo = socket.getaddrinfo
    fence._originals.update(
        connect=original_connect,
        connect_ex=original_connect_ex,
        create_connection=original_create_connection,
        getaddrinfo=original_getaddrinfo,
    )

    def refusal(host: str, port: int | None) -> OSError:
        return ConnectionRefusedError(errno.ECONNREFUSED, f"socket fence: {host}:{port} is not loopback")

    def connect(sock: socket.socket, address: Any) -> None:
        parts = _split(address)
        is_inet = parts is not None and sock.family in (socket.AF_INET, socket.AF_INET6)
        if is_inet and not fence._check(*parts, via="connect"):
            raise refusal(*parts)
        return original_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        parts = _split(address)
        is_inet = parts is not None and sock.family in (socket.AF_INET, socket.AF_INET6)
        if is_inet and not fence._check(*parts, via="connect_ex"):
            return errno.ECONNREFUSED
        return original_connect_ex(sock, address)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        parts = _split(address)
        if parts is not None and not fence._check(*parts, via="create_connection"):
            raise refusal(*parts)
        return original_create_connection(address, *args, **kwargs)

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if block_dns and name is not None and not is_loopback_destination(str(name)):
            try:
                ipaddress.ip_address(str(name).split("%", 1)[0])
            except ValueError:
                fence._check(str(name), port if isinstance(port, int) else None, via="getaddrinfo")
                raise socket.gaierror(socket.EAI_NONAME, f"socket fence: no DNS for {name!r} in tests") from None
        return original_getaddrinfo(host, port, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.create_connection = create_connection
    socket.getaddrinfo = getaddrinfo
    return fence


@pytest.fixture
def socket_fence() -> Iterator[SocketFence]:
    fence = install_socket_fence()
    yield fence
    fence.uninstall()
