"""Issue 10, defect 3: a command against a database that is down or refuses prints one line and exits 2."""

import sqlite3
import subprocess
import sys

import pytest
from django.db import InterfaceError, OperationalError, ProgrammingError

from newsdesk.common.database import (
    DATABASE_UNREACHABLE,
    Backoff,
    database_error_line,
    database_unavailable,
    schema_behind,
)
from tests.postgres.subprocess_db import REPO, child_env

DEAD_POSTGRES = "postgresql://newsdesk@127.0.0.1:9/newsdesk"  # the discard port: nothing listens there


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (OperationalError("server closed the connection unexpectedly"), True),
        (InterfaceError("connection already closed"), True),
        (sqlite3.OperationalError("unable to open database file"), True),
        (ProgrammingError("relation does not exist"), False),
        (ValueError("nope"), False),
    ],
)
def test_database_unavailable_knows_the_driver_errors_of_an_outage(error, unavailable):
    assert database_unavailable(error) is unavailable


def test_the_backoff_doubles_from_one_second_up_to_thirty_and_starts_over_after_a_success():
    backoff = Backoff()
    assert [backoff.next_delay() for _ in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    backoff.reset()
    assert backoff.next_delay() == 1


def test_a_role_that_may_not_create_in_schema_public_is_told_the_grant():
    line = database_error_line(ProgrammingError("permission denied for schema public\nLINE 1: CREATE TABLE"))
    assert "GRANT CREATE ON SCHEMA public TO" in line
    assert "OWNER TO" in line
    assert "\n" not in line


def test_other_errors_keep_their_traceback():
    assert database_error_line(ValueError("a bug")) is None


@pytest.mark.parametrize(
    "command", [["worker", "--once"], ["migrate", "--noinput"], ["ingest", "--once"], ["serve", "--port", "18999"]]
)
def test_a_command_against_a_dead_database_prints_one_line_and_exits_2(command):
    done = subprocess.run(
        [sys.executable, "-m", "newsdesk", *command],
        cwd=REPO,
        env=child_env(NEWSDESK_DATABASE_URL=DEAD_POSTGRES),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(DATABASE_UNREACHABLE.split("(")[0]), done.stderr
    assert "NEWSDESK_DATABASE_URL" in done.stderr


def test_a_missing_table_of_a_migrated_database_is_not_blamed_on_migrations(db):
    # Every migration applied: a missing table is then a bug (a raw query naming a wrong table), not the operator's.
    assert schema_behind(OperationalError("no such table: newsdesk_nothing")) is False
