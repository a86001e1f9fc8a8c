"""Every numeric flag of every command refuses a bad value in the parser, with one line and no traceback."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command, load_command_class

from newsdesk.cli import INTERRUPTED, INTERRUPTED_EXIT_CODE
from newsdesk_bench.command import Command as BenchCommand
from newsdesk_world.command import Command as WorldCommand
from newsdesk_world.demo_command import Command as DemoCommand

REPO = Path(__file__).resolve().parents[1]


def _runtime(app: str, name: str):
    return lambda: load_command_class(app, name)


INGEST, WORKER, FETCH = (_runtime("newsdesk.ingest", name) for name in ("ingest", "worker", "fetch"))
SERVE = _runtime("newsdesk.site", "serve")


# (command, arguments before the flag, flag, bad value, what the message says after "argument FLAG: ")
BAD_VALUES = [
    (INGEST, ["--once"], "--threads", "0", "'0' must be between 1 and 64"),
    (INGEST, ["--once"], "--threads", "many", "'many' is not a whole number"),
    (WORKER, [], "--threads", "65", "'65' must be between 1 and 64"),
    (WORKER, [], "--batch", "0", "'0' must be between 1 and 1000"),
    (WORKER, [], "--lease", "5", "'5' must be between 10 and 86400"),
    (WORKER, [], "--idle", "-1", "'-1' must be zero or more seconds"),
    (FETCH, ["http://127.0.0.1/"], "--timeout", "0", "'0' must be a duration of more than zero seconds"),
    (FETCH, ["http://127.0.0.1/"], "--max-bytes", "0", "'0' must be 1 or more"),
    (SERVE, [], "--port", "0", "'0' is not a port: use 1..65535"),
    (SERVE, [], "--port", "65536", "'65536' is not a port: use 1..65535"),
    (SERVE, [], "--threads", "0", "'0' must be between 1 and 64"),
    (WorldCommand, ["serve"], "--port", "70000", "'70000' is not a port: use 1..65535, or 0 to pick a free one"),
    (WorldCommand, ["serve"], "--seed", "seven", "invalid int value: 'seven'"),
    (
        WorldCommand,
        ["serve"],
        "--slow-delay",
        "later",
        "'later' is not a duration: use seconds (30, 2.5) or 10s, 5m, 1h",
    ),
    (DemoCommand, [], "--port", "0", "'0' is not a port: use 1..65535"),
    (DemoCommand, [], "--world-port", "-1", "'-1' is not a port: use 1..65535, or 0 to pick a free one"),
    (DemoCommand, [], "--seed", "1.5", "invalid int value: '1.5'"),
    (DemoCommand, [], "--slow-delay", "-2", "'-2' must be zero or more seconds"),
    (BenchCommand, ["ingest"], "--feeds", "0", "'0' must be 1 or more"),
    (BenchCommand, ["ingest"], "--ports", "201", "'201' must be between 1 and 200"),
    (BenchCommand, ["ingest"], "--threads", "0", "'0' must be between 1 and 64"),
]


@pytest.mark.parametrize(
    ("command", "before", "flag", "value", "message"),
    BAD_VALUES,
    ids=[" ".join([*before, flag, value]) for _, before, flag, value, _ in BAD_VALUES],
)
def test_a_bad_numeric_value_is_a_one_line_parser_error(command, before, flag, value, message):
    with pytest.raises(CommandError) as refused:
        call_command(command(), *before, flag, value)

    assert str(refused.value) == f"Error: argument {flag}: {message}"


def _newsdesk(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "NEWSDESK_DATA_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "newsdesk", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["serve", "--port", "0"], "newsdesk serve: error: argument --port: '0' is not a port: use 1..65535"),
        (
            ["world", "serve", "--slow-delay", "-1"],
            "newsdesk world serve: error: argument --slow-delay: '-1' must be zero or more seconds",
        ),
        (["bench", "ingest", "--feeds", "0"], "newsdesk bench: error: argument --feeds: '0' must be 1 or more"),
        (
            ["reprocess", "--since", "garbage"],
            "newsdesk reprocess: error: argument --since: not an ISO 8601 date or time: 'garbage'",
        ),
        (
            ["reprocess", "--counts-only", "--since", "2026-12-01"],
            "newsdesk reprocess: error: argument --since: not allowed with argument --counts-only",
        ),
    ],
)
def test_on_the_command_line_a_bad_value_ends_with_one_error_line_and_no_traceback(tmp_path, args, error):
    result = _newsdesk(tmp_path, *args)

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == error
    assert result.stdout == ""


def test_ctrl_c_ends_a_command_with_one_line_and_status_130_not_a_traceback(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "NEWSDESK_DATA_DIR": str(tmp_path)}
    # A command still busy when the operator presses Ctrl-C (SIGINT, which Python raises as KeyboardInterrupt).
    busy = "print('busy', flush=True); import time; time.sleep(60)"
    # The console script, as operators run it (under `python -m` the interpreter ends itself with SIGINT instead).
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "newsdesk"), "shell", "--no-imports", "-c", busy],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "busy"
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()

    assert process.returncode == INTERRUPTED_EXIT_CODE
    assert stderr == INTERRUPTED + "\n"
