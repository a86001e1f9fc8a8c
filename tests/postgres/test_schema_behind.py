"""A command that needs a table of a database never migrated says to run `newsdesk migrate`, in one line with exit
status 2 — not that the database is unavailable (SQLite's "no such table" is an OperationalError, the class of an
outage) and not a ProgrammingError traceback (PostgreSQL's "relation does not exist"). On both vendors."""

import subprocess
import uuid

import pytest
from django.db import connection

from newsdesk.common.database import SCHEMA_BEHIND
from newsdesk_bench.stack import free_port
from tests.postgres.subprocess_db import REPO, child_env, current_database_url, python_argv

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def unmigrated_database(tmp_path):
    """(URL, name as the settings hold it) of an empty database on this test run's vendor."""
    if connection.vendor == "sqlite":
        path = tmp_path / "never-migrated.sqlite3"
        path.touch()
        yield f"sqlite:///{path}", str(path)
        return
    name = f"newsdesk_unmigrated_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    try:
        yield current_database_url().rsplit("/", 1)[0] + f"/{name}", name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.parametrize(
    "command",
    [["opml", "export"], ["createsuperuser", "--noinput", "--username", "operator", "--email", "op@example.org"]],
    ids=["opml export", "createsuperuser"],
)
def test_a_command_on_a_database_never_migrated_says_to_migrate_in_one_line(unmigrated_database, command):
    url, name = unmigrated_database
    done = subprocess.run(
        python_argv("-m", "newsdesk", *command),
        cwd=REPO,
        env=child_env(NEWSDESK_DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == SCHEMA_BEHIND.format(name=name)


def test_a_page_served_from_a_database_never_migrated_is_a_503_not_a_server_error(unmigrated_database):
    url, _ = unmigrated_database
    # Django's test client in a child process whose settings name the empty database (this process's are migrated).
    probe = (
        "import django; django.setup(); from django.test import Client; "
        "client = Client(HTTP_HOST='127.0.0.1', raise_request_exception=False); "
        "print(client.get('/').status_code, client.get('/api/articles').status_code, client.get('/readyz').status_code)"
    )
    done = subprocess.run(
        python_argv("-c", probe),
        cwd=REPO,
        env=child_env(NEWSDESK_DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["503", "503", "503"]
    assert "Traceback" not in done.stderr


def test_serve_refuses_a_database_never_migrated_in_one_line_and_starts_on_one_migrated_once(unmigrated_database):
    # Every page would be a 503: `serve` says what to run instead (exit 2). A database migrated once but behind the
    # code (a site restarted during an upgrade, before its migrate) still starts; `--allow-unmigrated` (taken by
    # the process tests that start servers on scratch data dirs) skips the check.
    url, name = unmigrated_database
    env = child_env(NEWSDESK_DATABASE_URL=url)

    def run(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(python_argv(*argv), cwd=REPO, env=env, capture_output=True, text=True, timeout=120)

    refused = run("-m", "newsdesk", "serve", "--port", str(free_port()))
    check = "import django; django.setup(); from newsdesk.common.database import require_ever_migrated as r; r()"
    never = run("-c", check)
    partly = run("-m", "newsdesk", "migrate", "contenttypes", "0001", "--noinput")
    behind = run("-c", check)

    assert refused.returncode == 2, refused.stderr
    assert refused.stderr.strip().splitlines() == [SCHEMA_BEHIND.format(name=name)]
    assert "NeverMigrated" in never.stderr
    assert partly.returncode == 0, partly.stderr
    assert behind.returncode == 0, behind.stderr
