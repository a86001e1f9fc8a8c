"""A copy of the test database taken once and put back before each test that starts from it: tests that need the
same ingested world share one ingest instead of each repeating it (the world ingests are the suite's widest cost).

SQLite: the backup API, the whole database page for page into memory and back. PostgreSQL: every table's rows
(generated columns left to the server) copied out with COPY into memory, and back with TRUNCATE + COPY in one
transaction, every sequence set back; nothing is left in the database meanwhile (a pg_dump a backup test takes sees
only its own tables), and all goes through the test's own connection. Whatever a test changes, the next one starts
from the same rows, ids and sequences."""

from __future__ import annotations

import sqlite3

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction


class DatabaseSnapshot:
    """The rows of every table of the default database as they are when taken."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self._copy = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(self._copy)
        elif self.vendor == "postgresql":
            self._tables, self._sequences = _postgres_take()
        else:  # pragma: no cover  (the suite runs on these two)
            raise NotImplementedError(connection.vendor)

    def restore(self) -> None:
        """Put the rows back as they were when taken (nothing else may be writing meanwhile)."""
        connection.ensure_connection()
        if self.vendor == "sqlite":
            self._copy.backup(connection.connection)
        else:
            _postgres_restore(self._tables, self._sequences)
        # The content types are rows too: the ids this process cached may be gone (each flush makes them anew).
        ContentType.objects.clear_cache()

    def drop(self) -> None:
        if self.vendor == "sqlite":
            self._copy.close()
        else:
            self._tables = {}


def _postgres_take() -> tuple[dict[str, tuple[str, bytes]], list[tuple[str, int | None]]]:
    tables: dict[str, tuple[str, bytes]] = {}  # table -> (its quoted writable columns, its rows in COPY's format)
    with transaction.atomic(), connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
                " AND table_name = %s AND is_generated = 'NEVER' ORDER BY ordinal_position",
                [table],
            )
            columns = ", ".join(f'"{name}"' for (name,) in cursor.fetchall())
            with cursor.cursor.copy(f'COPY "{table}" ({columns}) TO STDOUT') as copy:
                tables[table] = (columns, b"".join(bytes(block) for block in copy))
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()")
        sequences = cursor.fetchall()
    return tables, sequences


def _postgres_restore(tables: dict[str, tuple[str, bytes]], sequences: list[tuple[str, int | None]]) -> None:
    # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: checked at commit, so the order of the tables is free.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(f'"{table}"' for table in tables))
        for table, (columns, rows) in tables.items():
            with cursor.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                copy.write(rows)
        for name, last_value in sequences:
            # A sequence never used yet has no last value: its next value is its first again.
            cursor.execute("SELECT setval(%s, %s, %s)", [f'"{name}"', last_value or 1, last_value is not None])
