"""Fault injection on the suite's PostgreSQL server: stop it and start it again on the same port, and run real
`newsdesk worker` processes against the test's database.

The server is the one `make test-postgres` started (scripts/postgres-test-server.sh, files in NEWSDESK_PG_DIR);
`halt` keeps its files, `resume` starts it again on the same port, so every client reconnects to the same URL.
"""

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connections

from tests.postgres.subprocess_db import REPO

SERVER_SCRIPT = REPO / "scripts" / "postgres-test-server.sh"


class DatabaseServer:
    def _run(self, action: str) -> None:
        done = subprocess.run([str(SERVER_SCRIPT), action], capture_output=True, text=True, timeout=90)
        assert done.returncode == 0, f"postgres-test-server.sh {action}: {done.stderr}"

    def halt(self) -> None:
        connections.close_all()  # the test's own connection dies with the server; the next query reconnects
        self._run("halt")

    def resume(self) -> None:
        self._run("resume")
        connections.close_all()


def wait_for(
    condition: Callable[[], bool], *, timeout_s: float, what: str, processes: list[tuple[subprocess.Popen, Path]]
) -> None:
    """Wait until `condition()` holds; fail at once if one of `processes` exited meanwhile."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if condition():
                return
        except Exception:  # the database is still coming back
            connections.close_all()
        for process, log in processes:
            if process.poll() is not None:
                pytest.fail(f"{log.name}: exited ({process.returncode}) before {what}:\n{log.read_text()}")
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for _, log in processes)
            pytest.fail(f"timed out waiting for {what}:\n{logs}")
        time.sleep(0.1)
