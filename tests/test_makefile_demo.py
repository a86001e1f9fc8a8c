"""`make demo` passes DEMO_ARGS to `newsdesk demo`: when port 8000 is taken, the demo says "choose another with
--port", which the README's `make demo` could not be given before."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _planned_demo(tmp_path, *args: str) -> list[str]:
    """The commands `make -n demo` would run (nothing is run), without those of the install step."""
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(tmp_path)}
    planned = subprocess.run(
        ["make", "-n", "--no-print-directory", "demo", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in planned.splitlines() if " demo" in line and "newsdesk" in line]


def test_make_demo_runs_the_demo_with_the_flags_given_in_demo_args(tmp_path):
    assert _planned_demo(tmp_path, "DEMO_ARGS=--port 8123 --world-port 0") == [
        ".venv/bin/newsdesk demo --port 8123 --world-port 0"
    ]


def test_make_demo_without_demo_args_runs_the_demo_as_the_readme_says(tmp_path):
    assert [line.rstrip() for line in _planned_demo(tmp_path)] == [".venv/bin/newsdesk demo"]
