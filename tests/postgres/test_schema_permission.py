"""Issue 10, defect 3: `migrate` as a role that may not create in schema public (PostgreSQL 15's default for
roles that do not own the database) prints one line with the fix, not a traceback."""

import subprocess
import uuid

import psycopg
import pytest
from django.db import connection

from newsdesk.common.database import SCHEMA_PUBLIC_DENIED
from tests.ci import POSTGRES_ONLY
from tests.postgres.subprocess_db import REPO, child_env, current_database_url, python_argv

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason=POSTGRES_ONLY),
]


@pytest.fixture
def database_without_create():
    """A fresh database owned by the superuser, and a role that may connect to it but not create in public."""
    suffix = uuid.uuid4().hex[:8]
    role, name = f"newsdesk_limited_{suffix}", f"newsdesk_limited_{suffix}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN")
        cursor.execute(f"CREATE DATABASE {name}")
    server = current_database_url().rsplit("/", 1)[0]
    # PostgreSQL 15 and later already refuse; on older servers take the right away as a 15 install has it.
    with psycopg.connect(f"{server}/{name}", autocommit=True) as owner:
        owner.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    url = server.replace("postgres@", f"{role}@", 1) + f"/{name}"
    try:
        yield role, name, url
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            cursor.execute(f"DROP ROLE IF EXISTS {role}")


def test_migrate_without_create_on_schema_public_says_which_grant_to_run(database_without_create):
    role, name, url = database_without_create
    done = subprocess.run(
        python_argv("-m", "newsdesk", "migrate", "--noinput"),
        cwd=REPO,
        env=child_env(NEWSDESK_DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 2, done.stderr
    assert done.stderr == SCHEMA_PUBLIC_DENIED.format(role=role, name=name) + "\n"
