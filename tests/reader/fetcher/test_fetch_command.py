"""`newsdesk fetch`: run as a real subprocess, the way an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk.reader.fetcher.errors import MSG_BLOCKED_ADDRESS, MSG_RESPONSE_TOO_LARGE

from .servers import Exchange

REPO_ROOT = Path(__file__).resolve().parents[3]


def run_fetch(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "NEWSDESK_DATA_DIR": str(data_dir),
        "NEWSDESK_ALLOW_LOOPBACK": "0",
    }
    return subprocess.run(
        [sys.executable, "-m", "newsdesk", "fetch", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def site(serve):
    def feed(exchange: Exchange) -> None:
        exchange.respond(200, b"<rss/>", [("Content-Type", "application/rss+xml"), ("ETag", '"v7"')])

    return serve({"/old": lambda ex: ex.respond(301, headers=[("Location", "/feed")]), "/feed": feed})


def test_fetch_prints_status_final_url_redirects_headers_and_size(site, tmp_path):
    completed = run_fetch(site.url("/old"), "--allow-loopback", "--timeout", "5", data_dir=tmp_path)
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert "status: 200" in lines
    assert f"final url: {site.url('/feed')}" in lines
    assert f"redirect: 301 -> {site.url('/feed')}" in lines
    assert "header: content-type: application/rss+xml" in lines
    assert 'header: etag: "v7"' in lines
    assert any(line.startswith("body: 6 bytes") for line in lines)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["http://10.0.0.1/"], MSG_BLOCKED_ADDRESS),
        (["LOOPBACK"], MSG_BLOCKED_ADDRESS),  # loopback is refused unless --allow-loopback
        (["LOOPBACK", "--allow-loopback", "--max-bytes", "3"], MSG_RESPONSE_TOO_LARGE),
    ],
)
def test_refusals_exit_2_with_the_reason_and_no_traceback(site, tmp_path, args, message):
    args = [site.url("/feed") if arg == "LOOPBACK" else arg for arg in args]
    completed = run_fetch(*args, data_dir=tmp_path)
    assert completed.returncode == 2, completed.stderr
    assert completed.stderr.splitlines()[-1].startswith(f"refused: {message}")
    assert "Traceback" not in completed.stderr
    assert completed.stdout == ""
