"""tests/fence.py: the socket fence the whole suite runs inside."""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable

import pytest

from tests.fence import Attempt, install_socket_fence, is_loopback_destination

from .servers import free_loopback_listener


@pytest.fixture
def tripwire(monkeypatch) -> list[object]:
    """Below the fence under test: fails loudly if a non-loopback connect ever gets past it."""
    hits: list[object] = []

    def wrap(below: Callable[..., object], address_of: Callable[..., object]) -> Callable[..., object]:
        def guard(*args: object, **kwargs: object) -> object:
            address = address_of(*args)
            if isinstance(address, tuple) and not is_loopback_destination(str(address[0])):
                hits.append(address)
                raise AssertionError(f"fence let {address} through")
            return below(*args, **kwargs)

        return guard

    monkeypatch.setattr(socket.socket, "connect", wrap(socket.socket.connect, lambda sock, address: address))
    monkeypatch.setattr(socket.socket, "connect_ex", wrap(socket.socket.connect_ex, lambda sock, address: address))
    monkeypatch.setattr(socket, "create_connection", wrap(socket.create_connection, lambda address, *a: address))
    return hits


@pytest.fixture
def fence(tripwire):
    installed = install_socket_fence()
    yield installed
    installed.uninstall()


@pytest.mark.parametrize(
    ("family", "address"),
    [
        (socket.AF_INET, ("10.0.0.1", 80)),
        (socket.AF_INET, ("169.254.169.254", 80)),
        (socket.AF_INET, ("93.184.215.14", 443)),
        (socket.AF_INET6, ("2001:db8::1", 80, 0, 0)),
        (socket.AF_INET6, ("::ffff:10.0.0.1", 80, 0, 0)),
    ],
)
def test_connect_to_a_non_loopback_address_is_refused_and_recorded(fence, tripwire, family, address):
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        with pytest.raises(ConnectionRefusedError, match="socket fence") as info:
            sock.connect(address)
        assert info.value.errno == errno.ECONNREFUSED
        assert sock.connect_ex(address) == errno.ECONNREFUSED
    expected = Attempt(host=address[0], port=address[1], via="connect")
    assert fence.refused[0] == expected
    assert len(fence.refused) == 2
    assert tripwire == []


def test_create_connection_to_a_non_loopback_address_is_refused(fence, tripwire):
    with pytest.raises(ConnectionRefusedError, match="socket fence"):
        socket.create_connection(("192.168.1.1", 80), timeout=1)
    assert fence.refused == [Attempt("192.168.1.1", 80, "create_connection")]
    assert tripwire == []


def test_loopback_connections_pass_and_are_recorded(fence):
    listener = free_loopback_listener(0)
    assert listener is not None
    port = listener.getsockname()[1]
    with listener, socket.create_connection(("127.0.0.1", port), timeout=1):
        pass
    assert fence.refused == []
    assert fence.destinations() == {("127.0.0.1", port)}


def test_name_lookups_leave_the_machine_only_for_localhost(fence):
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("example.com", 80)
    assert socket.getaddrinfo("localhost", 80)
    assert socket.getaddrinfo("10.0.0.1", 80)  # a literal needs no DNS
    assert fence.refused == [Attempt("example.com", 80, "getaddrinfo")]


def test_unix_sockets_are_not_fenced(fence, tmp_path):
    path = str(tmp_path / "sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server, socket.socket(socket.AF_UNIX) as client:
        server.bind(path)
        server.listen(1)
        client.connect(path)
    assert fence.attempts == []


def test_uninstall_restores_what_was_there_before(tripwire):
    before = (socket.socket.connect, socket.socket.connect_ex, socket.create_connection, socket.getaddrinfo)
    installed = install_socket_fence()
    assert socket.socket.connect is not before[0]
    installed.uninstall()
    assert (socket.socket.connect, socket.socket.connect_ex, socket.create_connection, socket.getaddrinfo) == before
