"""Checks commands run before touching the database, so a fresh data dir gives advice, not a traceback; and the
serialisation of one process's SQLite writes."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

NOT_MIGRATED = "the database at {name} is not set up or not up to date: run `newsdesk migrate` first"
NO_DATA_DIR = "the data dir {path} does not exist: run `newsdesk init`, then `newsdesk migrate`"


def require_migrated(alias: str = DEFAULT_DB_ALIAS) -> None:
    connection = connections[alias]
    if connection.vendor == "sqlite":
        # Settings no longer create the data dir, and SQLite cannot create a file in a missing directory.
        directory = Path(connection.settings_dict["NAME"]).parent
        if not directory.is_dir():
            raise CommandError(NO_DATA_DIR.format(path=directory))
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandError(NOT_MIGRATED.format(name=connection.settings_dict.get("NAME")))


_SQLITE_WRITES = threading.RLock()


@contextmanager
def writes_serialized(alias: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Around a write transaction: on SQLite, the threads of one process take turns on a lock of their own.

    SQLite has one write lock per database, and a writer that finds it taken sleeps in SQLite's busy handler (1,
    2, 5, 10 ms and more) even when the holder is done after a fraction of that; eight refresh threads writing
    page claims and articles spent most of their time asleep so. Waiting here wakes the next writer the moment
    the lock is free. Other processes still meet in SQLite's own lock. PostgreSQL locks rows: a no-op there.
    """
    if not _is_sqlite(alias):
        yield
        return
    with _SQLITE_WRITES:
        yield


_VENDORS: dict[str, str] = {}


def _is_sqlite(alias: str) -> bool:
    """Asked on every write: `connections[alias]` goes through a thread-local lookup each time, so remember."""
    if alias not in _VENDORS:
        _VENDORS[alias] = connections[alias].vendor
    return _VENDORS[alias] == "sqlite"
