"""The shared SSRF corpus (../shared/eval/ssrf) and the stub DNS its README asks for."""

from __future__ import annotations

import ipaddress
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

# tests/reader/fetcher/corpus.py -> parents[3] is the repository root; shared/ sits beside it.
SSRF_DIR = Path(__file__).resolve().parents[3] / ".." / "shared" / "eval" / "ssrf"

REDIRECTOR_SUFFIXES = ("httpbin.org", "r3dir.me")


@dataclass(frozen=True)
class CorpusRow:
    url: str
    category: str
    needs_dns_stub: bool

    @property
    def is_redirector(self) -> bool:
        host = self.url.split("//", 1)[-1].split("/", 1)[0]
        return host.endswith(REDIRECTOR_SUFFIXES)


def load_corpus() -> list[CorpusRow]:
    tsv = SSRF_DIR / "urls.tsv"
    if not tsv.is_file():
        pytest.skip("../shared/eval not present (user clone)")
    rows = []
    for line in tsv.read_text(encoding="utf-8").splitlines()[1:]:
        url, category, needs_dns_stub, _source = line.split("\t")
        rows.append(CorpusRow(url, category, needs_dns_stub == "yes"))
    return rows


class CorpusResolver:
    """Answers each corpus name with the internal address it encodes, as the corpus README specifies.

    `7f000001.c0a80001.rbndr.us` alternates between its two addresses on successive calls, like
    the real rebinding service. Names listed in `overrides` get fixed answers (the redirectors).
    """

    def __init__(self, overrides: dict[str, list[str]] | None = None) -> None:
        self.overrides = overrides or {}
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, host: str, port: int) -> list[str]:
        with self._lock:
            self.calls.append(host)
            repeat = self.calls.count(host)
        for suffix, answer in self.overrides.items():
            if host == suffix or host.endswith("." + suffix):
                return answer
        return encoded_addresses(host, call_number=repeat)


def encoded_addresses(host: str, *, call_number: int = 1) -> list[str]:
    rebinding = re.match(r"([0-9a-f]{8})\.([0-9a-f]{8})\.rbndr\.us$", host)
    if rebinding:
        return [_hex_ipv4(rebinding.group(1 if call_number % 2 else 2))]
    dotted = re.search(r"(\d{1,3})[.-](\d{1,3})[.-](\d{1,3})[.-](\d{1,3})", host)
    if dotted:
        return [".".join(dotted.groups())]
    hex_label = re.match(r"(?:.*\.)?([0-9a-f]{8})\.(nip\.io|sslip\.io|xip\.io)$", host)
    if hex_label:
        return [_hex_ipv4(hex_label.group(1))]
    if host.endswith("sslip.io"):  # `--1.sslip.io`: dashes stand for colons
        return [str(ipaddress.IPv6Address(host.split(".")[0].replace("-", ":")))]
    if "metadata" in host or host.startswith("instance-data"):
        return ["169.254.169.254"]
    if host.startswith("kubernetes"):
        return ["10.96.0.1"]
    if "docker" in host:
        return ["192.168.65.254"]
    if "localhost" in host or host.startswith("ip6-"):
        return ["127.0.0.1", "::1"]
    return ["127.0.0.1"]  # localtest.me, lvh.me, vcap.me, 1u.ms...: loopback by design


def _hex_ipv4(text: str) -> str:
    return str(ipaddress.IPv4Address(int(text, 16)))
