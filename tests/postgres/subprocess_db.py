"""How a child process (a real `newsdesk worker`, a claimer) reaches the database of the running test.

pytest-django points the default connection at its test database (`test-newsdesk-<pid>.sqlite3` in the data dir,
or `test_<name>` on PostgreSQL); the child gets that same database as NEWSDESK_DATABASE_URL. The test must use
`transactional_db` so the child sees committed rows.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parents[2]


def current_database_url() -> str:
    """A NEWSDESK_DATABASE_URL naming the database this test process is connected to."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(params['NAME']).resolve()}"
    if connection.vendor == "postgresql":
        credentials = quote(params["USER"] or "", safe="")
        if params.get("PASSWORD"):
            credentials += ":" + quote(params["PASSWORD"], safe="")
        host = params.get("HOST") or "127.0.0.1"
        port = f":{params['PORT']}" if params.get("PORT") else ""
        return f"postgresql://{credentials}@{host}{port}/{quote(params['NAME'], safe='')}"
    raise NotImplementedError(f"no URL form for the {connection.vendor} backend")


# What coverage's `patch = ["subprocess"]` puts in the environment to measure a child process (pyproject.toml).
COVERAGE_VARIABLES = ("COVERAGE_PROCESS_CONFIG", "COVERAGE_PROCESS_START")


def child_env(*, measured: bool = True, **extra: str) -> dict[str, str]:
    """The environment of a child Django process sharing this test's settings, data dir and database.

    measured=False: under `make test` the child runs without coverage (a world-ingesting worker used a quarter to a
    third less CPU time so), for children that measure nothing other tests' processes and the tests themselves do not
    measure (see the callers), or that are killed before they could save it."""
    env = dict(os.environ)
    if not measured:
        for name in COVERAGE_VARIABLES:
            env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        NEWSDESK_DATA_DIR=str(settings.DATA_DIR),
        NEWSDESK_DATABASE_URL=current_database_url(),
        PYTHONPATH=str(REPO),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def python_argv(*args: str) -> list[str]:
    """argv running the interpreter of this test run (the project's venv)."""
    return [sys.executable, *args]


def run_together(
    argv: list[str], *, count: int, log_dir: Path, timeout_s: float, measured: bool = True
) -> list[tuple[int, str]]:
    """Start `count` copies of a command on this test's database at once; (exit status, output) of each
    (`measured`: as child_env's)."""
    logs = [log_dir / f"process-{n}.log" for n in range(count)]
    processes = []
    for log in logs:
        with log.open("w") as out:
            env = child_env(measured=measured)
            processes.append(subprocess.Popen(argv, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT))
    try:
        statuses = [process.wait(timeout=timeout_s) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
    return [(status, log.read_text()) for status, log in zip(statuses, logs, strict=True)]
