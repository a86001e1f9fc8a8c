"""Fixtures of the fault-injection tests: the suite's PostgreSQL server, a paced simulated world, and real
`newsdesk` processes on the test's database."""

import dataclasses
import os
import subprocess
from pathlib import Path

import pytest

from newsdesk_world.generator import generate_world
from newsdesk_world.render.site import PublisherSite
from newsdesk_world.server import serve_world
from tests.postgres.faults import DatabaseServer
from tests.postgres.subprocess_db import REPO, child_env, python_argv

NO_SERVER = "fault injection needs the suite's own PostgreSQL server (`make test-postgres` sets NEWSDESK_PG_DIR)"


@pytest.fixture
def database_server() -> DatabaseServer:
    if not os.environ.get("NEWSDESK_PG_DIR"):
        pytest.fail(NO_SERVER)
    server = DatabaseServer()
    yield server
    server.resume()  # whatever the test did, the rest of the suite needs its database


@pytest.fixture
def paced_world(monkeypatch):
    """The simulated world on loopback; `pace["delay_s"]` delays every publisher response while it is set."""
    pace = {"delay_s": 0.05}
    resolve = PublisherSite.resolve

    def paced_resolve(self, path):
        resource = resolve(self, path)
        return dataclasses.replace(resource, delay_s=max(resource.delay_s, pace["delay_s"]))

    monkeypatch.setattr(PublisherSite, "resolve", paced_resolve)
    server = serve_world(generate_world(seed=23, slow_delay_s=0.2))
    yield server, pace
    server.stop()


@pytest.fixture
def start_process(tmp_path):
    """Start `python -m newsdesk <args>` on this test's database; any still running at the end are killed."""
    started: list[subprocess.Popen] = []

    def start(name: str, *args: str) -> tuple[subprocess.Popen, Path]:
        log = tmp_path / f"{name}.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                python_argv("-m", "newsdesk", *args), cwd=REPO, env=child_env(), stdout=out, stderr=subprocess.STDOUT
            )
        started.append(process)
        return process, log

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
