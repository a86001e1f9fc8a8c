"""One overall deadline, and a decoded-size cap that compression bombs cannot get past."""

from __future__ import annotations

import functools
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import brotli
import pytest

from newsdesk.reader.fetcher import FetchOptions, FetchTimeout, ResponseTooLarge, UndecodableBody, fetch
from newsdesk.reader.fetcher.decode import BodyDecoder
from newsdesk.reader.fetcher.errors import MSG_RESPONSE_TOO_LARGE, MSG_TIMEOUT, MSG_UNDECODABLE_BODY

from .servers import Exchange, repeat

MiB = 1024 * 1024
BOMB_DECODED_SIZE = 200 * MiB
CAP = 1 * MiB
MEMORY_BUDGET = 100 * MiB
TRICKLE_LIMIT_S = 10.0  # Exchange.trickle's default: how long the test server keeps trickling


def _loopback(**overrides: object) -> FetchOptions:
    return FetchOptions(allow_loopback=True, **{"timeout_s": 5.0, **overrides})


# --- the deadline -----------------------------------------------------------------------------


def test_trickling_body_is_cut_at_the_overall_deadline(serve):
    def trickle(exchange: Exchange) -> None:
        exchange.handler.send_response(200)
        exchange.handler.send_header("Content-Length", "1000")
        exchange.handler.end_headers()
        exchange.trickle(b"x" * 1000, interval_s=0.2)

    server = serve({"/": trickle})
    started = time.monotonic()
    with pytest.raises(FetchTimeout) as info:
        fetch(server.url("/"), options=_loopback(timeout_s=1.5))
    assert str(info.value) == MSG_TIMEOUT
    # Not before the deadline; and well before the server would stop trickling (TRICKLE_LIMIT_S). The slack above
    # the deadline is wide on purpose: a loaded 2-core CI machine can be seconds late to wake a thread.
    assert 1.4 < time.monotonic() - started < TRICKLE_LIMIT_S - 4


def test_trickling_headers_are_cut_at_the_overall_deadline(serve):
    def trickle(exchange: Exchange) -> None:
        exchange.trickle(b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 500 + b"\r\n\r\n", interval_s=0.1)

    server = serve({"/": trickle})
    started = time.monotonic()
    with pytest.raises(FetchTimeout):
        fetch(server.url("/"), options=_loopback(timeout_s=1.0))
    # The headers would take TRICKLE_LIMIT_S to arrive; wide slack above the 1 s deadline for a loaded machine.
    assert time.monotonic() - started < TRICKLE_LIMIT_S - 4


def test_deadline_spans_all_redirect_hops(serve):
    def slow_redirect(exchange: Exchange) -> None:
        time.sleep(0.3)
        exchange.respond(302, headers=[("Location", "/again")])

    server = serve({"/": slow_redirect, "/again": slow_redirect})
    with pytest.raises(FetchTimeout):
        fetch(server.url("/"), options=_loopback(timeout_s=1.0))  # 6 hops x 0.3 s > 1 s
    # Counted, not timed: each hop takes the server 0.3 s, so at most 4 can start inside the 1 s deadline, while
    # per-hop timeouts alone would have let all max_redirects + 1 hops through (and raised TooManyRedirects).
    assert 1 <= len(server.requests) <= 4 < FetchOptions().max_redirects + 1


def test_hanging_dns_lookup_is_cut_at_the_deadline():
    answered = threading.Event()

    def hanging(host: str, port: int) -> list[str]:
        answered.wait(timeout=30)  # hangs until the test is over
        return ["127.0.0.1"]

    started = time.monotonic()
    try:
        with pytest.raises(FetchTimeout):
            fetch("http://slow-dns.example/", options=FetchOptions(resolver=hanging, timeout_s=0.5))
        # The lookup would hang for 30 s; 10 s is wide slack over the 0.5 s deadline for a loaded CI machine.
        assert time.monotonic() - started < 10
    finally:
        answered.set()


# --- size caps --------------------------------------------------------------------------------


def test_body_over_the_cap_without_content_length_is_refused(serve):
    server = serve({"/": lambda exchange: exchange.stream(200, repeat(b"x" * 65536, 64))})
    with pytest.raises(ResponseTooLarge) as info:
        fetch(server.url("/"), options=_loopback(max_bytes=CAP))
    assert str(info.value) == MSG_RESPONSE_TOO_LARGE


def test_declared_content_length_over_the_cap_is_refused_before_reading(serve):
    def huge(exchange: Exchange) -> None:
        exchange.respond(200, b"", [("Content-Length", str(50 * MiB))])

    server = serve({"/": huge})
    with pytest.raises(ResponseTooLarge) as info:
        fetch(server.url("/"), options=_loopback(max_bytes=CAP))
    assert info.value.detail == f"Content-Length {50 * MiB}"


def test_body_exactly_at_the_cap_is_accepted(serve):
    server = serve({"/": lambda exchange: exchange.stream(200, repeat(b"y" * 1024, 1024))})
    assert len(fetch(server.url("/"), options=_loopback(max_bytes=CAP)).body) == CAP


# --- compression bombs ------------------------------------------------------------------------


@dataclass(frozen=True)
class Bomb:
    content_encoding: str
    body: bytes


@functools.cache
def _raw_deflate_of_zeros() -> tuple[bytes, int, int]:
    """Raw deflate of BOMB_DECODED_SIZE zero bytes, plus its CRC-32 and Adler-32 for the wrappers."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    zeros = bytes(MiB)
    parts, crc, adler = [], 0, 1
    for _ in range(BOMB_DECODED_SIZE // MiB):
        parts.append(compressor.compress(zeros))
        crc, adler = zlib.crc32(zeros, crc), zlib.adler32(zeros, adler)
    parts.append(compressor.flush())
    return b"".join(parts), crc, adler


def _gzip_wrap(raw: bytes, crc: int, size: int) -> bytes:
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + raw + crc.to_bytes(4, "little") + (size % 2**32).to_bytes(4, "little")


@functools.cache
def make_bomb(kind: str) -> Bomb:
    raw, crc, adler = _raw_deflate_of_zeros()
    gzip_bomb = _gzip_wrap(raw, crc, BOMB_DECODED_SIZE)
    if kind == "gzip":
        return Bomb("gzip", gzip_bomb)
    if kind == "deflate-zlib":
        return Bomb("deflate", b"\x78\xda" + raw + adler.to_bytes(4, "big"))
    if kind == "deflate-raw":
        return Bomb("deflate", raw)
    if kind == "br":
        compressor = brotli.Compressor(quality=1)
        zeros = bytes(MiB)
        body = b"".join(compressor.process(zeros) for _ in range(BOMB_DECODED_SIZE // MiB)) + compressor.finish()
        return Bomb("br", body)
    if kind == "gzip-gzip":
        outer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        return Bomb("gzip, gzip", outer.compress(gzip_bomb) + outer.flush())
    raise ValueError(kind)


def _proc_status_kib(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


@contextmanager
def memory_watch() -> Iterator[dict[str, int]]:
    """Peak Python-traced allocations and peak RSS growth (Linux) while the block runs."""
    stats: dict[str, int] = {}
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        hwm_resettable = True
    except OSError:
        hwm_resettable = False
    rss_before = _proc_status_kib("VmRSS") or 0
    tracemalloc.start()
    try:
        yield stats
    finally:
        stats["traced_peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rss_after = _proc_status_kib("VmHWM" if hwm_resettable else "VmRSS") or rss_before
        stats["rss_growth"] = (rss_after - rss_before) * 1024


@pytest.mark.parametrize("kind", ["gzip", "deflate-zlib", "deflate-raw", "br", "gzip-gzip"])
def test_compression_bomb_stops_at_the_cap_with_little_memory(serve, kind):
    bomb = make_bomb(kind)
    chunks = [bomb.body[i : i + 16384] for i in range(0, len(bomb.body), 16384)]
    server = serve({"/": lambda exchange: exchange.stream(200, chunks, [("Content-Encoding", bomb.content_encoding)])})
    with memory_watch() as memory, pytest.raises(ResponseTooLarge) as info:
        fetch(server.url("/"), options=_loopback(max_bytes=CAP))
    assert info.value.detail == f"more than {CAP} bytes decoded"
    assert memory["traced_peak"] < MEMORY_BUDGET
    assert memory["rss_growth"] < MEMORY_BUDGET


def test_endless_empty_deflate_blocks_hit_the_wire_cap(serve):
    empty_stored_block = b"\x00\x00\x00\xff\xff"  # non-final, zero-length: decodes to nothing
    server = serve(
        {"/": lambda ex: ex.stream(200, repeat(empty_stored_block * 4096, 200), [("Content-Encoding", "deflate")])}
    )
    with pytest.raises(ResponseTooLarge) as info:
        fetch(server.url("/"), options=_loopback(max_bytes=CAP))
    assert info.value.detail == f"more than {CAP} bytes on the wire"


# --- decoding is correct ----------------------------------------------------------------------

TEXT = b"<rss><channel><title>Decoded</title></channel></rss>" * 200


def _zlib(data: bytes, wbits: int) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("content_encoding", "body"),
    [
        ("gzip", _zlib(TEXT, 31)),
        ("x-gzip", _zlib(TEXT, 31)),
        ("deflate", _zlib(TEXT, 15)),
        ("deflate", _zlib(TEXT, -15)),
        ("br", brotli.compress(TEXT)),
        ("gzip, gzip", _zlib(_zlib(TEXT, 31), 31)),
        ("deflate, br", brotli.compress(_zlib(TEXT, 15))),
        ("GZIP", _zlib(TEXT, 31)),
        ("identity", TEXT),
        ("gzip", _zlib(TEXT[:5000], 31) + _zlib(TEXT[5000:], 31)),  # two gzip members
    ],
)
def test_every_supported_encoding_decodes_exactly_even_byte_by_byte(content_encoding, body):
    whole = BodyDecoder(content_encoding, max_bytes=CAP)
    whole.feed(body)
    trickled = BodyDecoder(content_encoding, max_bytes=CAP)
    for index in range(len(body)):
        trickled.feed(body[index : index + 1])
    assert whole.finish() == trickled.finish() == TEXT


def test_encoded_body_is_decoded_over_the_wire(serve):
    server = serve({"/": lambda ex: ex.respond(200, brotli.compress(TEXT), [("Content-Encoding", "br")])})
    assert fetch(server.url("/"), options=_loopback()).body == TEXT


@pytest.mark.parametrize(
    ("content_encoding", "body"),
    [
        ("gzip", b"this is not gzip at all"),
        ("br", b"\xff\xff\xff\xff not brotli"),
        ("zstd", b"whatever"),
        ("compress", b"whatever"),
        ("gzip, gzip, gzip, gzip", b"whatever"),
    ],
)
def test_corrupt_or_unsupported_encoding_is_undecodable(content_encoding, body):
    def decode() -> bytes:
        decoder = BodyDecoder(content_encoding, max_bytes=CAP)
        decoder.feed(body)
        return decoder.finish()

    with pytest.raises(UndecodableBody) as info:
        decode()
    assert str(info.value) == MSG_UNDECODABLE_BODY
