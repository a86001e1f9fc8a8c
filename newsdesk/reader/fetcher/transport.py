"""An httpcore network backend that only connects to addresses we vetted, under one deadline.

httpcore hands `connect_tcp` the URL's host name; a normal backend would resolve it again,
which is exactly the DNS-rebinding gap (public answer at check time, 127.0.0.1 at connect time).
`PinnedBackend` ignores the name and dials the IPs the caller already resolved and checked, then
confirms the socket's peer is one of them. Every read, write and TLS handshake gets only the time
left before the request's overall deadline, so a server trickling one byte a second is still cut.
"""

from __future__ import annotations

import select
import socket
import ssl
import time
from collections.abc import Iterable
from typing import Any

import httpcore

from .address import IPAddress, is_fetchable_address, parse_address
from .errors import (
    MSG_CONNECT_FAILED,
    MSG_PEER_MISMATCH,
    MSG_TLS_FAILED,
    BlockedAddress,
    ConnectionFailed,
)


def connect_socket(address: str, port: int, timeout: float) -> socket.socket:
    """Open a TCP connection to an IP literal (no name lookup). Module-level so tests can reroute it."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect((address, port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except BaseException:
        sock.close()
        raise
    return sock


class PinnedBackend(httpcore.NetworkBackend):
    """Dials only `addresses` for `host`; remembers which one answered in `connected_address`."""

    def __init__(self, *, host: str, addresses: Iterable[IPAddress], allow_loopback: bool, deadline: float) -> None:
        self._host = host
        self._addresses = tuple(addresses)
        self._allow_loopback = allow_loopback
        self._deadline = deadline
        self.connected_address: IPAddress | None = None

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        if host != self._host:  # a connection for some other origin must go through vetting first
            raise BlockedAddress(MSG_PEER_MISMATCH, detail=f"asked for {host}, vetted {self._host}")
        failures = []
        for address in self._addresses:
            budget = _time_left(self._deadline, timeout, httpcore.ConnectTimeout)
            try:
                sock = connect_socket(str(address), port, budget)
            except TimeoutError:
                raise httpcore.ConnectTimeout(f"connecting to {address}") from None
            except OSError as exc:
                failures.append(f"{address}: {exc.strerror or exc}")
                continue
            self._check_peer(sock, address)
            self.connected_address = address
            return DeadlineStream(sock, self._deadline)
        raise ConnectionFailed(MSG_CONNECT_FAILED, detail="; ".join(failures))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise BlockedAddress(MSG_PEER_MISMATCH, detail="unix sockets are never used")

    def _check_peer(self, sock: socket.socket, vetted: IPAddress) -> None:
        """The kernel's view of whom we reached must be the vetted address and still pass the policy."""
        try:
            peer = parse_address(sock.getpeername()[0])
        except OSError:
            peer = None
        if peer != vetted or peer is None or not is_fetchable_address(peer, allow_loopback=self._allow_loopback):
            sock.close()
            raise BlockedAddress(MSG_PEER_MISMATCH, detail=f"vetted {vetted}, connected to {peer}")


class DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every operation is bounded by the request's overall deadline."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock = sock
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self._sock.settimeout(_time_left(self._deadline, timeout, httpcore.ReadTimeout))
        try:
            return self._sock.recv(max_bytes)
        except TimeoutError:
            raise httpcore.ReadTimeout("deadline passed while reading") from None
        except OSError as exc:
            raise httpcore.ReadError(str(exc)) from exc

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        # sendall's timeout covers the whole call (CPython >= 3.5), so the deadline holds.
        self._sock.settimeout(_time_left(self._deadline, timeout, httpcore.WriteTimeout))
        try:
            self._sock.sendall(buffer)
        except TimeoutError:
            raise httpcore.WriteTimeout("deadline passed while writing") from None
        except OSError as exc:
            raise httpcore.WriteError(str(exc)) from exc

    def close(self) -> None:
        self._sock.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        budget = _time_left(self._deadline, timeout, httpcore.ConnectTimeout)
        try:
            tls = ssl_context.wrap_socket(self._sock, server_hostname=server_hostname, do_handshake_on_connect=False)
            tls.settimeout(budget)  # do_handshake applies it to the whole handshake, not per record
            tls.do_handshake()
        except TimeoutError:
            self._sock.close()
            raise httpcore.ConnectTimeout("deadline passed during the TLS handshake") from None
        except (ssl.SSLError, OSError) as exc:
            self._sock.close()
            raise ConnectionFailed(MSG_TLS_FAILED, detail=str(exc)) from exc
        return DeadlineStream(tls, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object":
            return self._sock if isinstance(self._sock, ssl.SSLSocket) else None
        if info == "socket":
            return self._sock
        if info == "server_addr":
            return self._sock.getpeername()
        if info == "client_addr":
            return self._sock.getsockname()
        if info == "is_readable":
            readable, _, _ = select.select([self._sock], [], [], 0)
            return bool(readable)
        return None


def _time_left(deadline: float, timeout: float | None, timeout_error: type[Exception]) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise timeout_error("deadline passed")
    return remaining if timeout is None else min(timeout, remaining)
