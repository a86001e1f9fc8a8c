"""Decompression and XML bombs served as feeds to a real worker process: each stops at a cap, is recorded as the
feed's error, and the worker's memory grows by less than 100 MB.

Bombs are generated while they are sent (constant memory, nothing stored on disk), as ../shared/eval/
decompression/README.md recommends.
"""

import json
import subprocess
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest

from newsdesk.reader.feeds.errors import FORBIDDEN_ENTITY
from newsdesk.reader.fetcher.errors import MSG_RESPONSE_TOO_LARGE
from newsdesk.sources.models import Feed
from tests.factories import make_publisher
from tests.postgres.subprocess_db import REPO, child_env, python_argv

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ZEROS = b"\0" * (1 << 20)
BOMB_MB = 1024  # what each compressed bomb would expand to; the client must stop long before
MAX_GROWTH_BYTES = 100 * 1024 * 1024


def _compressed(compress, flush) -> Iterator[bytes]:
    for _ in range(BOMB_MB):
        if chunk := compress(ZEROS):
            yield chunk
    yield flush()


def gzip_bomb() -> Iterator[bytes]:
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    return _compressed(c.compress, c.flush)


def zlib_bomb() -> Iterator[bytes]:
    c = zlib.compressobj(9)
    return _compressed(c.compress, c.flush)


def raw_deflate_bomb() -> Iterator[bytes]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return _compressed(c.compress, c.flush)


def brotli_bomb() -> Iterator[bytes]:
    c = brotli.Compressor(quality=5)
    return _compressed(c.process, c.finish)


def billion_laughs() -> Iterator[bytes]:
    lines = ['<?xml version="1.0"?>', "<!DOCTYPE rss [", ' <!ENTITY lol "lol">']
    lines += [f' <!ENTITY lol{i} "' + (f"&lol{i - 1};" if i > 1 else "&lol;") * 10 + '">' for i in range(1, 10)]
    lines += ["]>", '<rss version="2.0"><channel><title>&lol9;</title><item><title>x</title></item></channel></rss>']
    yield "\n".join(lines).encode()


def quadratic_blowup() -> Iterator[bytes]:
    yield b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + b"a" * 100_000 + b'">]>'
    yield b'<rss version="2.0"><channel><title>t</title><item><description>'
    for _ in range(100):
        yield b"&a;" * 1000
    yield b"</description></item></channel></rss>"


def huge_single_line() -> Iterator[bytes]:
    yield b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>'
    for _ in range(100):  # 100 MB, no newline
        yield b"A" * (1 << 20)
    yield b"</title></item></channel></rss>"


BOMBS = {
    "/gzip.xml": (gzip_bomb, "gzip", MSG_RESPONSE_TOO_LARGE),
    "/nested-gzip.xml": (lambda: _compressed(*_nested()), "gzip, gzip", MSG_RESPONSE_TOO_LARGE),
    "/deflate.xml": (zlib_bomb, "deflate", MSG_RESPONSE_TOO_LARGE),
    "/raw-deflate.xml": (raw_deflate_bomb, "deflate", MSG_RESPONSE_TOO_LARGE),
    "/brotli.xml": (brotli_bomb, "br", MSG_RESPONSE_TOO_LARGE),
    "/laughs.xml": (billion_laughs, "", FORBIDDEN_ENTITY),
    "/quadratic.xml": (quadratic_blowup, "", FORBIDDEN_ENTITY),
    "/huge-line.xml": (huge_single_line, "", MSG_RESPONSE_TOO_LARGE),
}


def _nested():
    """gzip of gzip: the inner bomb appears only after the first decoding pass. Both layers are flushed after each
    megabyte, so bytes leave at once: unflushed, the outer layer held everything until the whole gigabyte was
    compressed twice (seconds of the test server's CPU), and under load the fetch's deadline passed before the client
    saw a byte to stop at the size cap with."""
    inner = zlib.compressobj(9, zlib.DEFLATED, 31)
    outer = zlib.compressobj(9, zlib.DEFLATED, 31)

    def compress(data: bytes) -> bytes:
        layer = inner.compress(data) + inner.flush(zlib.Z_SYNC_FLUSH)
        return outer.compress(layer) + outer.flush(zlib.Z_SYNC_FLUSH)

    return (compress, lambda: outer.compress(inner.flush()) + outer.flush())


class _BombHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # close-delimited: the body simply runs until we stop or the client leaves

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        if self.path not in BOMBS:
            self.send_response(404)
            self.end_headers()
            return
        make, encoding, _ = BOMBS[self.path]
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.end_headers()
        try:
            for chunk in make():
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture
def bomb_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BombHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


# Runs in the child: one full refresh cycle, reporting resident memory before and the high-water mark after.
CHILD = """
import json, django
django.setup()
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.runner import run_cycle
def kb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) * 1024
before = kb("VmRSS:")
stats = run_cycle(context=IngestContext.from_settings(allow_loopback=True), full_pass=True, threads=2)
print(json.dumps({"before": before, "peak": kb("VmHWM:"), "feeds": stats.feeds, "errors": stats.errors}))
"""


def test_bombs_stop_at_the_caps_and_the_worker_stays_small(bomb_server):
    publisher = make_publisher(homepage=bomb_server + "/")
    for path in BOMBS:
        Feed.objects.create(publisher=publisher, url=bomb_server + path)

    done = subprocess.run(
        python_argv("-c", CHILD), cwd=REPO, env=child_env(), capture_output=True, text=True, timeout=240, check=False
    )

    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"worker memory: {figures['before'] / 2**20:.0f} MB before, peak {figures['peak'] / 2**20:.0f} MB")
    assert figures["feeds"] == len(BOMBS)
    assert figures["errors"] == len(BOMBS)
    assert figures["peak"] - figures["before"] < MAX_GROWTH_BYTES, figures
    for path, (_, _, expected) in BOMBS.items():
        feed = Feed.objects.get(url=bomb_server + path)
        assert feed.consecutive_errors == 1, path
        assert expected in feed.last_error, (path, feed.last_error)
        assert not feed.articles.exists()
