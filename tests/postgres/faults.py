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
# How long a test waits for processes it started to come up and reach a state: a ceiling, not a pause (a fast
# machine goes on at once). Starting a worker (Python, Django, the extraction and clustering imports) takes tens of
# seconds on a loaded 2-core machine, and `make test` runs its passes at the same time.
STARTUP_S = 90
# The same kind of ceiling for a worker to ingest the paced world's few hundred articles (extraction, language,
# stories): ~20 s on an idle machine, minutes on a loaded one.
INGEST_S = 180


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
