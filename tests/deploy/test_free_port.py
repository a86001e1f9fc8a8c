"""free_port() picks a loopback port below the kernel's ephemeral range: a child process binds it a second or more
later, and in between no bind(0) or outgoing connection of any process on the machine can take it."""

import socket

from newsdesk_bench import stack
from newsdesk_bench.stack import EPHEMERAL_RANGE, FIXED_PORTS, free_port


def _ephemeral_low() -> int:
    return int(EPHEMERAL_RANGE.read_text().split()[0]) if EPHEMERAL_RANGE.exists() else FIXED_PORTS[1]


def test_a_free_port_is_below_the_ephemeral_range_and_can_be_bound():
    ports = {free_port() for _ in range(20)}

    assert all(FIXED_PORTS[0] <= port < min(FIXED_PORTS[1], _ephemeral_low()) for port in ports), ports
    assert len(ports) > 1  # chosen at random: two runs on one machine rarely pick the same port
    with socket.socket() as server:
        server.bind(("127.0.0.1", ports.pop()))


def test_when_the_low_ports_are_taken_the_kernel_chooses_one(monkeypatch):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        monkeypatch.setattr(stack, "FIXED_PORTS", (port, port + 1))
        monkeypatch.setattr(stack, "EPHEMERAL_RANGE", EPHEMERAL_RANGE.with_name("no-such-file"))

        chosen = free_port()

    assert chosen != port
    with socket.socket() as server:
        server.bind(("127.0.0.1", chosen))
