"""Backups and restores of the whole install: the database (SQLite or PostgreSQL) and the secret key file.

A backup is one snapshot: SQLite's online backup API copies the file while workers write; on PostgreSQL the row
counts of the manifest and `pg_dump` read the same exported snapshot. A restore checks the archive completely
(manifest, vendor, schema, database pages or dump contents) before it touches anything, refuses to overwrite data
without `force`, and with `force` first saves what it overwrites as a backup of its own.
"""

from __future__ import annotations

import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from newsdesk.articles.services import search_index_repair
from newsdesk.backup.archive import BackupArchive, BackupError, Manifest, archive_write
from newsdesk.backup.postgres import dump_extensions, pg_dump, pg_dump_contents, pg_restore
from newsdesk.backup.selectors import (
    database_holds_data,
    migration_state,
    migrations_known,
    model_list,
    table_row_counts,
)
from newsdesk.backup.sqlite import sqlite_check, sqlite_copy, sqlite_row_counts
from newsdesk.common.content_version import content_version_bump
from newsdesk.common.database import sqlite_damaged
from newsdesk.common.secret_key import secret_key_path, secret_key_replace

BACKUPS_DIR_NAME = "backups"
UNSUPPORTED_VENDOR = "backups support SQLite and PostgreSQL, not {vendor}"
NO_DATABASE = "no database at {path}: nothing to back up"
EXTENSION_MISSING = (
    "the backup needs the PostgreSQL extension {name} ({reason}): a superuser runs `CREATE EXTENSION {name};` in "
    "the database, then restore again"
)
CANNOT_WRITE = "cannot write the backup {path}: {reason}"
NO_DATA_DIR = "the directory {path} of the database does not exist: run `newsdesk init` first"
UNREACHABLE = "cannot reach the database: {reason}"
WRONG_VENDOR = (
    "{path} is a backup of a {backup} database and this install uses {current}: restore it into a {backup} "
    "database, then move with `newsdesk db copy`"
)
NEWER_SCHEMA = "{path} was made by a newer newsdesk (migrations unknown here: {names}): upgrade newsdesk first"
HOLDS_DATA = "the database already holds data: pass --force to replace it (it is saved as a backup first)"
DAMAGED = (
    "the database {path} is damaged or not a database ({reason}): pass --force to restore over it (the damaged file "
    "is moved aside, not deleted)"
)
COUNTS_DIFFER = "{path} is damaged: its database holds other rows than its manifest lists ({table})"


@dataclass(frozen=True)
class BackupReport:
    path: Path
    manifest: Manifest


@dataclass(frozen=True)
class RestoreReport:
    path: Path
    manifest: Manifest
    # The backup made of the data the restore replaced (--force on a database that held data).
    saved_first: Path | None
    secret_key_restored: bool
    search_index_rebuilt: bool
    # The backup's schema is older than this code's: `newsdesk migrate` brings it up to date.
    migrate_needed: bool
    # Where a damaged SQLite file the restore replaced (--force) was moved: it could not be backed up first.
    damaged_aside: Path | None = None


def backup_default_path(*, prefix: str = "newsdesk") -> Path:
    """A new timestamped file in the data dir's backups/ folder (created readable by its owner only)."""
    directory = Path(settings.DATA_DIR) / BACKUPS_DIR_NAME
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path, n = directory / f"{prefix}-{stamp}.tar.gz", 1
    while path.exists():
        n += 1
        path = directory / f"{prefix}-{stamp}-{n}.tar.gz"
    return path


def backup_create(
    *, output: Path | None = None, using: str = DEFAULT_DB_ALIAS, prefix: str = "newsdesk"
) -> BackupReport:
    """Write one archive with the database, its manifest and the secret key file; returns where it is."""
    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(UNSUPPORTED_VENDOR.format(vendor=connection.vendor))
    database = Path(connection.settings_dict["NAME"]) if connection.vendor == "sqlite" else None
    if database is not None and not database.is_file():
        # Before any directory is made: a wrong NEWSDESK_DATA_DIR must not be created by a backup that fails.
        raise BackupError(NO_DATABASE.format(path=database))
    key_file = secret_key_path(settings.DATA_DIR)
    key = key_file if key_file.is_file() else None
    path = Path(output) if output else Path(settings.DATA_DIR) / BACKUPS_DIR_NAME
    try:
        path = Path(output) if output else backup_default_path(prefix=prefix)
        path.parent.mkdir(parents=True, exist_ok=True)
        return _backup_write(path, connection=connection, key=key, using=using)
    except OSError as error:
        raise BackupError(CANNOT_WRITE.format(path=path, reason=error.strerror or _one_line(error))) from None


def _backup_write(path: Path, *, connection, key: Path | None, using: str) -> BackupReport:
    with tempfile.TemporaryDirectory(prefix=".newsdesk-backup-", dir=path.parent) as workdir:
        database = Path(workdir) / "database"
        if connection.vendor == "sqlite":
            counts, migrations = _sqlite_snapshot(connection.settings_dict["NAME"], database)
        else:
            counts, migrations = _postgres_snapshot(using, database)
        manifest = Manifest(
            vendor=connection.vendor,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            newsdesk_version=_newsdesk_version(),
            migrations=migrations,
            tables=counts,
            secret_key=key is not None,
        )
        archive_write(path=path, manifest=manifest, database=database, secret_key=key)
    return BackupReport(path=path, manifest=manifest)


def _sqlite_snapshot(name: str, destination: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    source = Path(name)
    if not source.is_file():
        raise BackupError(NO_DATABASE.format(path=source))
    sqlite_copy(source=source, destination=destination)
    # Counted in the copy itself: the manifest describes exactly what the archive holds.
    counts = sqlite_row_counts(destination, [model._meta.db_table for model in model_list()])
    with closing(sqlite3.connect(destination)) as db:
        rows = db.execute("SELECT app, name FROM django_migrations ORDER BY app, name").fetchall()
    migrations: dict[str, list[str]] = {}
    for app, migration in rows:
        migrations.setdefault(app, []).append(migration)
    return counts, migrations


def _postgres_snapshot(using: str, destination: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    connection = connections[using]
    try:
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                # One snapshot for the counts here and for pg_dump, which is handed its id.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            counts = table_row_counts(using=using)
            migrations = migration_state(using=using)
            pg_dump(settings_dict=connection.settings_dict, destination=destination, snapshot=snapshot)
    except DatabaseError as error:
        raise BackupError(UNREACHABLE.format(reason=_one_line(error))) from None
    return counts, migrations


def backup_restore(*, path: Path, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> RestoreReport:
    """Replace the database (and the secret key file) with the backup's; see the module's docstring."""
    path = Path(path)
    connection = connections[using]
    with BackupArchive(path) as archive:
        manifest = archive.manifest
        if manifest.vendor != connection.vendor:
            raise BackupError(WRONG_VENDOR.format(path=path, backup=manifest.vendor, current=connection.vendor))
        applied = {(app, name) for app, names in manifest.migrations.items() for name in names}
        unknown = sorted(applied - migrations_known())
        if unknown:
            raise BackupError(NEWER_SCHEMA.format(path=path, names=", ".join(f"{a}.{n}" for a, n in unknown[:3])))
        key = archive.secret_key() if archive.has_secret_key() else None
        with tempfile.TemporaryDirectory(prefix=".newsdesk-restore-", dir=_workdir_parent(connection)) as workdir:
            database = Path(workdir) / manifest.database_member
            archive.extract_database(database)
            contents = _checked(database, manifest, path, vendor=connection.vendor)
            damaged_aside, holds = None, False
            try:
                holds = _holds_data(using, force=force)
            except DatabaseDamaged:
                if not force:
                    raise
                damaged_aside = _damaged_move_aside(using)
            saved_first = _save_existing(using) if holds else None
            connection.close()
            if connection.vendor == "sqlite":
                sqlite_copy(source=database, destination=Path(connection.settings_dict["NAME"]))
            else:
                _extensions_ensure(using, dump_extensions(contents))
                pg_restore(
                    settings_dict=connection.settings_dict, source=database, contents=contents, workdir=Path(workdir)
                )
    rebuilt = search_index_repair(using=using)
    # Cached pages, feeds and API answers show the replaced data: a new version retires all of them at once.
    content_version_bump()
    restored_key = secret_key_replace(data_dir=Path(settings.DATA_DIR), key=key) if key else False
    executor = MigrationExecutor(connections[using])
    return RestoreReport(
        path=path,
        manifest=manifest,
        saved_first=saved_first,
        secret_key_restored=restored_key,
        search_index_rebuilt=rebuilt,
        migrate_needed=bool(executor.migration_plan(executor.loader.graph.leaf_nodes())),
        damaged_aside=damaged_aside,
    )


def _extensions_ensure(using: str, names: list[str]) -> None:
    """Create the extensions the dump needs in a database that lacks them (a new server after a disaster): the
    restore itself leaves extension objects alone, and the app's role may create trusted ones like unaccent."""
    connection = connections[using]
    for name in names:
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {connection.ops.quote_name(name)}")
        except DatabaseError as error:
            raise BackupError(EXTENSION_MISSING.format(name=name, reason=_one_line(error))) from None


def _workdir_parent(connection) -> Path | None:
    """Where the extracted database waits: beside the SQLite file (same disk), else the data dir if it exists."""
    if connection.vendor == "sqlite":
        directory = Path(connection.settings_dict["NAME"]).parent
        if not directory.is_dir():
            raise BackupError(NO_DATA_DIR.format(path=directory))
        return directory
    data_dir = Path(settings.DATA_DIR)
    return data_dir if data_dir.is_dir() else None


def _checked(database: Path, manifest: Manifest, path: Path, *, vendor: str) -> list[str]:
    """Refuse a damaged database member before anything is touched; PostgreSQL: the dump's table of contents."""
    what = f"{path} ({manifest.database_member})"
    if vendor == "postgresql":
        return pg_dump_contents(database, what=what)
    sqlite_check(database, what=what)
    counts = sqlite_row_counts(database, list(manifest.tables))
    for table, rows in manifest.tables.items():
        if counts.get(table) != rows:
            raise BackupError(COUNTS_DIFFER.format(path=path, table=table))
    return []


class DatabaseDamaged(BackupError):
    """The SQLite file to restore into is damaged or no database: nothing in it can be saved first."""


def _damaged_move_aside(using: str) -> Path:
    """Rename the damaged SQLite file (its -wal and -shm files with it), so the restore writes a new one and the
    old one is kept for whoever wants to look into it; where it went."""
    connection = connections[using]
    connection.close()
    name = Path(connection.settings_dict["NAME"])
    aside = name.with_name(f"{name.name}.damaged-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
    for suffix in ("-wal", "-shm"):
        companion = name.with_name(name.name + suffix)
        if companion.exists():
            companion.rename(aside.with_name(aside.name + suffix))
    name.rename(aside)
    return aside


def _holds_data(using: str, *, force: bool) -> bool:
    connection = connections[using]
    if connection.vendor == "sqlite" and not Path(connection.settings_dict["NAME"]).is_file():
        return False
    try:
        holds = database_holds_data(using=using)
    except DatabaseError as error:
        if sqlite_damaged(error):
            raise DatabaseDamaged(
                DAMAGED.format(path=connection.settings_dict["NAME"], reason=_one_line(error))
            ) from None
        raise BackupError(UNREACHABLE.format(reason=_one_line(error))) from None
    if holds and not force:
        raise BackupError(HOLDS_DATA)
    return holds


def _save_existing(using: str) -> Path:
    return backup_create(using=using, prefix="pre-restore").path


def _newsdesk_version() -> str:
    try:
        return version("newsdesk")
    except PackageNotFoundError:  # pragma: no cover - a source tree run without `make install`
        return "unknown"


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
