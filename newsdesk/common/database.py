"""Checks commands run before touching the database, so a fresh data dir gives advice, not a traceback; the
serialisation of one process's SQLite writes; and how long-running processes ride out a database outage."""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

NOT_MIGRATED = "the database at {name} is not set up or not up to date: run `newsdesk migrate` first"
NO_DATA_DIR = "the data dir {path} does not exist: run `newsdesk init`, then `newsdesk migrate`"


def database_now(alias: str = DEFAULT_DB_ALIAS) -> datetime:
    """Now, as the database sees it (PostgreSQL's clock, which every host sharing it agrees on; SQLite has one host
    by nature and takes the process clock)."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement_timestamp()")
            return cursor.fetchone()[0]
    return timezone.now()


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


# PEP 249 names these two classes in every driver: Django's wrappers, psycopg's own (raised where Django does not
# wrap, closing a dead connection say) and sqlite3's. Matching the names covers them all without importing psycopg.
_UNAVAILABLE_ERRORS = ("OperationalError", "InterfaceError")
BACKOFF_FIRST_S = 1.0
BACKOFF_MAX_S = 30.0

log = logging.getLogger(__name__)


def database_unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the database is out of reach (down, restarting, refusing, connection lost) rather than
    that a query was wrong."""
    return any(cls.__name__ in _UNAVAILABLE_ERRORS for cls in type(exc).__mro__)


def connections_reset() -> None:
    """Drop this thread's database connections, so the next query opens a fresh one: after an outage Django
    would otherwise keep using the dead connection ("connection already closed") forever."""
    try:
        connections.close_all()
    except Exception:  # closing a connection the server already dropped may fail; it is gone all the same
        log.debug("closing a dead connection failed", exc_info=True)


class Backoff:
    """Waits between retries while the database is away: 1 s, doubling up to 30 s, back to 1 s after a success."""

    def __init__(self, first_s: float = BACKOFF_FIRST_S, max_s: float = BACKOFF_MAX_S) -> None:
        self.first_s, self.max_s = first_s, max_s
        self._next = first_s

    def next_delay(self) -> float:
        delay = self._next
        self._next = min(self.max_s, delay * 2)
        return delay

    def reset(self) -> None:
        self._next = self.first_s


DATABASE_UNREACHABLE = (
    "newsdesk: the database is unavailable ({error}): check NEWSDESK_DATABASE_URL and that the server is running"
)
# What a command that met a missing table or column prints (exit 2), as `require_migrated` says it.
SCHEMA_BEHIND = "newsdesk: " + NOT_MIGRATED
SQLITE_DAMAGED = (
    "newsdesk: the SQLite database {name} is damaged or not a database ({error}): restore a backup "
    "(`newsdesk restore FILE --force` moves the damaged file aside), or move it aside yourself and run "
    "`newsdesk migrate` to start an empty one"
)
SCHEMA_PUBLIC_DENIED = (
    "newsdesk: the database role {role} may not create tables in schema public (PostgreSQL 15+): as a superuser "
    "run `ALTER DATABASE {name} OWNER TO {role};` or, in that database, `GRANT CREATE ON SCHEMA public TO {role};`"
)


def database_error_line(exc: BaseException, alias: str = DEFAULT_DB_ALIAS) -> str | None:
    """The one line a command prints instead of a traceback when the database is out of reach or refuses what
    the command needs; None for any other error."""
    message = " ".join(str(exc).split())
    if (missing := _sqlite_directory_missing(exc, alias)) is not None:
        return "newsdesk: " + NO_DATA_DIR.format(path=missing)
    if sqlite_damaged(exc):
        return SQLITE_DAMAGED.format(name=connections[alias].settings_dict.get("NAME"), error=message[:200])
    if isinstance(exc, NeverMigrated) or schema_behind(exc, alias):
        return SCHEMA_BEHIND.format(name=connections[alias].settings_dict.get("NAME"))
    if "permission denied for schema public" in message:
        params = connections[alias].settings_dict
        return SCHEMA_PUBLIC_DENIED.format(role=params.get("USER") or "<role>", name=params.get("NAME") or "<db>")
    if database_unavailable(exc):
        return DATABASE_UNREACHABLE.format(error=f"{type(exc).__name__}: {message}"[:300])
    return None


def _sqlite_directory_missing(exc: BaseException, alias: str) -> Path | None:
    """The directory of the SQLite file, when SQLite could not open the file because that directory is missing
    (a data dir never initialised, or a wrong NEWSDESK_DATA_DIR): not an outage of any server."""
    connection = connections[alias]
    if connection.vendor != "sqlite" or "unable to open database file" not in str(exc):
        return None
    directory = Path(connection.settings_dict["NAME"]).parent
    return None if directory.is_dir() else directory


# SQLite's codes (Python 3.11's sqlite_errorname) for a file that is no database, or one whose pages are damaged.
_SQLITE_DAMAGED = ("SQLITE_NOTADB", "SQLITE_CORRUPT")


def sqlite_damaged(exc: BaseException) -> bool:
    """Whether `exc` is SQLite saying the database file is not a database or is damaged: neither a retry nor a
    migration helps (Django raises it as DatabaseError, the class of a bug, so it had its traceback)."""
    return any(getattr(cause, "sqlite_errorname", "") in _SQLITE_DAMAGED for cause in (exc, exc.__cause__))


# A table or column the code needs is not there: PostgreSQL's SQLSTATEs (undefined table, undefined column) and
# SQLite's messages.
_MISSING_SQLSTATES = ("42P01", "42703")
_MISSING_SQLITE = ("no such table:", "no such column:", "has no column named")


def schema_behind(exc: BaseException, alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether `exc` is a table or column the code needs missing from a database with migrations still to apply
    (never migrated, or behind the code): the operator's fix is `newsdesk migrate`, not the server or the URL.
    SQLite reports it as an OperationalError, the class of an outage, so this is asked first."""
    causes = (exc, exc.__cause__)
    missing = any(getattr(cause, "sqlstate", None) in _MISSING_SQLSTATES for cause in causes) or any(
        text in str(exc) for text in _MISSING_SQLITE
    )
    if not missing:
        return False
    try:
        executor = MigrationExecutor(connections[alias])
        return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except Exception:  # the database cannot even say which migrations it has: not this case
        return False


class NeverMigrated(Exception):
    """The database has no migration applied at all: a fresh data dir, or an empty PostgreSQL database."""


def require_ever_migrated(alias: str = DEFAULT_DB_ALIAS) -> None:
    """NeverMigrated when no migration was ever applied to the database (said by `database_error_line` as
    SCHEMA_BEHIND, exit 2). A database migrated once but behind the code passes: a site restarted during an
    upgrade, before its `migrate`, keeps serving (503 only where a page needs what is missing; /readyz says so)."""
    recorder = MigrationRecorder(connections[alias])
    if not recorder.has_table() or not recorder.migration_qs.exists():
        raise NeverMigrated(connections[alias].settings_dict.get("NAME"))


def require_reachable(alias: str = DEFAULT_DB_ALIAS) -> None:
    """Connect once (raising the driver's OperationalError when the database is down), then let go again."""
    connection = connections[alias]
    connection.ensure_connection()
    connection.close()


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
