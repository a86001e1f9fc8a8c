"""A SQLite database file that is damaged or no database at all (a disk fault, a wrong file in its place): every
command says so in one line, exit 2 (it was a DatabaseError traceback), and `newsdesk restore --force` restores
over it, the damaged file moved aside rather than lost (it was refused: "cannot reach the database"). A data dir
that cannot be created: `init` says so in one line (it was a traceback), `migrate` that the data dir is missing
(it said the database server was unavailable).

SQLite only, so not in the PostgreSQL pass (Makefile PG_TESTS); the children run on a SQLite file of their own."""

import io
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from django.core.management import call_command

from newsdesk.backup.services import DAMAGED
from newsdesk.common.database import NO_DATA_DIR, SQLITE_DAMAGED
from newsdesk.common.management.commands.init import CANNOT_CREATE
from tests.postgres.subprocess_db import REPO, child_env, python_argv

NOT_A_DATABASE = "file is not a database"


@pytest.fixture
def damaged_host(tmp_path) -> tuple[Path, dict[str, str]]:
    """A data dir whose database file holds bytes that are no SQLite database; the environment naming it."""
    data_dir = tmp_path / "host"
    data_dir.mkdir()
    database = data_dir / "newsdesk.sqlite3"
    database.write_bytes(b"not a database, whatever its name says\n" * 200)
    return database, child_env(NEWSDESK_DATABASE_URL=f"sqlite:///{database}", NEWSDESK_DATA_DIR=str(data_dir))


def _newsdesk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        python_argv("-m", "newsdesk", *args), cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


def test_a_command_on_a_damaged_sqlite_file_says_so_in_one_line(damaged_host):
    database, env = damaged_host

    done = _newsdesk(env, "worker", "--once")

    assert done.returncode == 2, done.stderr
    assert done.stderr == SQLITE_DAMAGED.format(name=database, error=NOT_A_DATABASE) + "\n"


@pytest.mark.django_db
def test_restore_force_over_a_damaged_sqlite_file_moves_it_aside_and_restores(damaged_host, tmp_path):
    database, env = damaged_host
    damaged_bytes = database.read_bytes()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "--output", str(archive), stdout=io.StringIO())

    refused = _newsdesk(env, "restore", str(archive))
    restored = _newsdesk(env, "restore", str(archive), "--force")

    assert refused.returncode == 1
    assert refused.stderr.strip() == "CommandError: " + DAMAGED.format(path=database, reason=NOT_A_DATABASE)
    assert restored.returncode == 0, restored.stderr
    aside = next(database.parent.glob("newsdesk.sqlite3.damaged-*"))
    assert aside.read_bytes() == damaged_bytes
    assert f"the damaged database it replaced was moved to {aside}" in restored.stdout
    with closing(sqlite3.connect(database)) as db:
        assert db.execute("SELECT count(*) FROM django_migrations").fetchone()[0] > 0


def test_a_data_dir_that_cannot_be_created_is_one_line_for_init_and_for_migrate(tmp_path):
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("a file where the data dir's parent should be")
    data_dir = in_the_way / "data"
    env = child_env(NEWSDESK_DATA_DIR=str(data_dir), NEWSDESK_DATABASE_URL="")

    init = _newsdesk(env, "init")
    migrate = _newsdesk(env, "migrate", "--noinput")

    assert init.returncode == 1
    assert init.stderr == "CommandError: " + CANNOT_CREATE.format(path=data_dir, reason="Not a directory") + "\n"
    assert migrate.returncode == 2
    # Not "the database is unavailable … check that the server is running": SQLite has no server.
    assert migrate.stderr == "newsdesk: " + NO_DATA_DIR.format(path=data_dir) + "\n"


def test_a_page_served_from_a_damaged_sqlite_file_is_a_503_not_a_server_error(damaged_host):
    _, env = damaged_host
    # Django's test client in a child process whose settings name the damaged file.
    probe = (
        "import django; django.setup(); from django.test import Client; "
        "client = Client(HTTP_HOST='127.0.0.1', raise_request_exception=False); "
        "print(client.get('/').status_code, client.get('/api/articles').status_code, client.get('/readyz').status_code)"
    )
    done = subprocess.run(python_argv("-c", probe), cwd=REPO, env=env, capture_output=True, text=True, timeout=120)

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["503", "503", "503"]
    assert "Traceback" not in done.stderr
    assert "database damaged" in done.stderr
