"""`newsdesk world serve`: help texts, one-line errors, and a real start-and-stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from newsdesk_world.command import Command as WorldCommand

from .loopback import fetch

REPO = Path(__file__).resolve().parents[2]


def newsdesk(tmp_path: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsdesk", *args],
        cwd=REPO,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        **kwargs,
    )


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "NEWSDESK_DATA_DIR": str(tmp_path)}


def test_world_help_lists_the_serve_action(tmp_path: Path) -> None:
    result = newsdesk(tmp_path, "world", "--help")
    assert result.returncode == 0
    assert "serve" in result.stdout


def test_serve_help_lists_its_options(tmp_path: Path) -> None:
    result = newsdesk(tmp_path, "world", "serve", "--help")
    assert result.returncode == 0
    for option in ("--port", "--seed", "--slow-delay", "--log"):
        assert option in result.stdout


def test_a_port_too_near_the_top_for_every_publisher_is_a_one_line_error(tmp_path: Path) -> None:
    # 65530 is a port, but the publishers need the ports after it too (a port above 65535 fails in the parser).
    result = newsdesk(tmp_path, "world", "serve", "--port", "65530")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("CommandError: port 65530 is out of range: the world needs ports 65530..")
    assert line.endswith(", all within 1..65535")


def test_a_port_in_use_is_a_command_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=f"port {port} on 127.0.0.1 is already in use"):
            call_command(WorldCommand(), "serve", "--port", str(port))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--slow-delay", "-1"], "argument --slow-delay: '-1' must be zero or more seconds"),
        (["--log", "/nonexistent-dir/x.jsonl"], "--log: directory /nonexistent-dir does not exist"),
        (["--anchor", "yesterday"], "--anchor must be a date"),
    ],
)
def test_bad_options_are_command_errors(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command(WorldCommand(), "serve", *args)


def test_serve_prints_every_url_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "newsdesk", "world", "serve", "--port", "0", "--seed", "5", "--log", str(log)],
        cwd=REPO,
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("serving on 127.0.0.1"):
                break
        directory = lines[0].split()[1].rstrip("/")
        assert directory.startswith("http://127.0.0.1:")
        document = json.loads(fetch(directory + "/world.json").body)
        assert document["seed"] == 5
        for publisher in document["publishers"]:
            assert any(publisher["homepage"] in line for line in lines)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert "Traceback" not in process.stderr.read()
    assert json.loads(log.read_text().splitlines()[0])["path"] == "/world.json"
