"""Fixtures of the fault-injection tests: the suite's PostgreSQL server. The paced simulated world (`paced_world`)
and real `newsdesk` processes on the test's database (`start_process`) are in tests/conftest.py."""

import os

import pytest

from tests.postgres.faults import DatabaseServer

NO_SERVER = "fault injection needs the suite's own PostgreSQL server (`make test-postgres` sets NEWSDESK_PG_DIR)"


@pytest.fixture
def database_server() -> DatabaseServer:
    if not os.environ.get("NEWSDESK_PG_DIR"):
        pytest.fail(NO_SERVER)
    server = DatabaseServer()
    yield server
    server.resume()  # whatever the test did, the rest of the suite needs its database
