"""A tiny loopback DNS server for the simulated world: answers TXT records the publishers publish (the takedown
ownership proofs the aggregator checks) and NXDOMAIN for everything else. UDP and TCP on one loopback port."""

from __future__ import annotations

import errno
import threading

from dnslib import QTYPE, RCODE, RR, TXT, DNSRecord
from dnslib.server import BaseResolver, DNSLogger, DNSServer

BIND_ATTEMPTS = 20  # UDP ports the kernel is asked for until the same TCP port is free too


class _Records(BaseResolver):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._txt: dict[str, list[str]] = {}

    def add_txt(self, name: str, value: str) -> None:
        with self._lock:
            self._txt.setdefault(name.lower().rstrip("."), []).append(value)

    def resolve(self, request: DNSRecord, handler: object) -> DNSRecord:
        reply = request.reply()
        name = str(request.q.qname).lower().rstrip(".")
        with self._lock:
            values = list(self._txt.get(name, ()))
        if not values:
            reply.header.rcode = RCODE.NXDOMAIN
            return reply
        if request.q.qtype in (QTYPE.TXT, QTYPE.ANY):
            for value in values:
                reply.add_answer(RR(request.q.qname, QTYPE.TXT, rdata=TXT(value), ttl=60))
        return reply


class WorldDns:
    """`add_txt(name, value)`, then ask 127.0.0.1:`port` (NEWSDESK_DNS_NAMESERVERS=127.0.0.1:<port>)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.records = _Records()
        quiet = DNSLogger(log="-request,-reply,-truncated,-error,-recv,-send,-data", prefix=False)
        self.host = host
        for attempt in range(BIND_ATTEMPTS):
            self._udp = DNSServer(self.records, port=0, address=host, logger=quiet)
            self.port = self._udp.server.server_address[1]
            # TCP on the same port: resolvers retry over TCP when a UDP answer is truncated. The kernel chose a
            # free UDP port; the same TCP port can be any outgoing connection's (seen once in a full test run).
            try:
                self._tcp = DNSServer(self.records, port=self.port, address=host, tcp=True, logger=quiet)
                break
            except OSError as exc:
                self._udp.server.server_close()
                if exc.errno != errno.EADDRINUSE or attempt == BIND_ATTEMPTS - 1:
                    raise
        self._udp.start_thread()
        self._tcp.start_thread()

    @property
    def nameserver(self) -> str:
        return f"{self.host}:{self.port}"

    def add_txt(self, name: str, value: str) -> None:
        self.records.add_txt(name, value)

    def stop(self) -> None:
        for server in (self._udp, self._tcp):
            server.stop()
            server.server.server_close()
