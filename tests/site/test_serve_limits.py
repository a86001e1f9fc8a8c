"""Issue 8, defect 5: `newsdesk serve` refuses an oversized request body before buffering it (a real server)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsdesk.site.views.errors import FORM_EXPIRED
from newsdesk_bench.stack import free_port
from tests.postgres.faults import STARTUP_S

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 4096

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        NEWSDESK_DATA_DIR=str(tmp_path_factory.mktemp("serve")),
        NEWSDESK_MAX_REQUEST_BYTES=str(LIMIT),
    )
    process = subprocess.Popen(
        # A scratch data dir never migrated: the limit is met before any page is rendered.
        [sys.executable, "-m", "newsdesk", "serve", "--port", str(port), "--threads", "2", "--allow-unmigrated"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    # Ready when a request is answered, not when the port accepts: the socket is bound before the workers have set
    # Django up, which on a loaded machine can outlast a test's read timeout.
    deadline = time.monotonic() + STARTUP_S
    while process.poll() is None:
        try:
            if exchange(port, b"GET /robots.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"):
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"newsdesk serve did not answer within {STARTUP_S} s")
        time.sleep(0.1)
    if process.poll() is not None:
        pytest.fail(f"newsdesk serve exited: {process.stderr.read().decode()}")
    yield port
    process.terminate()
    process.wait(timeout=30)


def exchange(port: int, head: bytes, body: bytes = b"") -> bytes:
    """Send the head and (part of) a body, then read the answer until the server closes, sending nothing more."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as conn:
        conn.sendall(head + body)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
        return answer


def post_head(length_header: bytes) -> bytes:
    return (
        b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: text/plain\r\n"
        + length_header
        + b"\r\n"
    )


def test_an_oversized_content_length_gets_413_before_the_body_is_sent(server):
    # 300 MB announced, 10 bytes sent: the answer can only come from the header, not from reading a body.
    answer = exchange(server, post_head(b"Content-Length: 300000000\r\n"), b"0123456789")

    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"the request body exceeds 4096 bytes" in answer


def test_a_chunked_body_is_cut_off_at_the_limit(server):
    chunk = b"%x\r\n%s\r\n" % (1024, b"x" * 1024)

    answer = exchange(server, post_head(b"Transfer-Encoding: chunked\r\n"), chunk * (LIMIT // 1024 + 2))

    assert answer.startswith(b"HTTP/1.1 413 ")


def test_a_body_within_the_limit_reaches_the_application(server):
    body = b"x" * LIMIT

    answer = exchange(server, post_head(b"Content-Length: %d\r\n" % len(body)), body)

    # The application's answer (no CSRF token in this POST): the body got through the server to it.
    assert answer.startswith(b"HTTP/1.1 403 ")
    assert FORM_EXPIRED.encode() in answer
