"""SQLite files through SQLite's online backup API: a consistent copy while other processes keep writing.

The backup API copies pages under SQLite's own locks, so a copy taken while workers write is one snapshot, and a
restore written into the live file goes through the same locks as every other writer (WAL file included) instead
of swapping a file other processes still have open.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from newsdesk.backup.archive import BackupError

BUSY_TIMEOUT_S = 30
NOT_A_DATABASE = "{what} is not a usable SQLite database ({reason})"
COPY_FAILED = "could not copy the SQLite database {source} to {destination}: {reason}"


def sqlite_copy(*, source: Path, destination: Path) -> None:
    """Copy the database `source` into `destination` (created, or overwritten in one transaction) in one step."""
    try:
        with closing(_connect(source)) as reader, closing(_connect(destination)) as writer:
            # pages=-1: the whole database in one step, so writers elsewhere cannot make it start over midway.
            reader.backup(writer, pages=-1)
    except sqlite3.Error as error:
        raise BackupError(COPY_FAILED.format(source=source, destination=destination, reason=error)) from None


def sqlite_check(path: Path, *, what: str) -> None:
    """Refuse a file SQLite cannot read or whose pages are damaged."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            result = db.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.Error as error:
        raise BackupError(NOT_A_DATABASE.format(what=what, reason=error)) from None
    if result != "ok":
        raise BackupError(NOT_A_DATABASE.format(what=what, reason=result))


def sqlite_row_counts(path: Path, tables: list[str]) -> dict[str, int]:
    """{table: rows} of those of `tables` the database file holds."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        existing = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {
            table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608 - a model's table
            for table in tables
            if table in existing
        }


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
