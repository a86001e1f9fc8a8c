"""`newsdesk db copy`: move every row of the install's database into another one (SQLite → PostgreSQL, or back).

The target is migrated by this code, emptied, then filled table by table in dependency order, in batches that
keep the primary keys, inside ONE transaction: a failed or interrupted copy leaves the target as it was. Rows go
in as the target's own database values (each field's `get_db_prep_save`), not through `bulk_create`, which would
stamp `auto_now` fields with the time of the copy. The source is read inside one transaction too, so the copy is
one snapshot (on SQLite that transaction holds the write lock: stop the workers first, as the docs say).
Afterwards: PostgreSQL's sequences restart after the highest ids, the search index is rebuilt, and the row count
of every table is compared with the source's before the transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Model
from django.db.utils import load_backend

from newsdesk.articles.services import search_index_rebuild
from newsdesk.backup.archive import BackupError
from newsdesk.backup.selectors import database_holds_data, model_list, table_row_counts

TARGET_ALIAS = "newsdesk_copy_target"
DEFAULT_BATCH = 1000
SUPPORTED = {"django.db.backends.sqlite3": "sqlite", "django.db.backends.postgresql": "postgresql"}

BAD_URL = "--to {url!r} is not a database URL: use postgresql://user@host:5432/name or sqlite:////absolute/path"
UNSUPPORTED_URL = "--to names a {engine} database: newsdesk runs on PostgreSQL and SQLite"
SAME_DATABASE = "--to names the database this install uses: name another one"
NO_DIRECTORY = "the directory {path} of the target SQLite file does not exist"
SOURCE_NOT_MIGRATED = "this install's database is not up to date: run `newsdesk migrate` first, then copy"
UNREACHABLE = "cannot reach the target database: {reason}"
TARGET_HOLDS_DATA = "the target database already holds data: pass --force to replace it"
MIGRATE_FAILED = "could not set up the target database: {reason}"
PUBLIC_SCHEMA_ADVICE = (
    " (PostgreSQL 15+: create the database OWNED by the app's role, or GRANT CREATE ON SCHEMA public to it; "
    "see docs/operations.md)"
)
COPY_FAILED = "the copy failed and the target is unchanged: {reason}"
COUNTS_DIFFER = "the copy was rolled back: {table} has {target} rows in the target and {source} in the source"

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class CopyReport:
    target: str
    vendor: str
    # {table: rows}, equal in source and target.
    tables: dict[str, int]


def database_copy(
    *, target_url: str, force: bool = False, batch_size: int = DEFAULT_BATCH, on_progress: Progress | None = None
) -> CopyReport:
    """Copy the default database into the one `target_url` names; see the module's docstring."""
    _require_migrated(DEFAULT_DB_ALIAS)
    with database_alias(target_url) as alias:
        target = connections[alias]
        try:
            target.ensure_connection()
            holds = database_holds_data(using=alias)
        except DatabaseError as error:
            raise BackupError(UNREACHABLE.format(reason=_one_line(error))) from None
        if holds and not force:
            raise BackupError(TARGET_HOLDS_DATA)
        _migrate(alias)
        try:
            counts = _copy_all(alias, batch_size=batch_size, on_progress=on_progress)
        except DatabaseError as error:
            raise BackupError(COPY_FAILED.format(reason=_one_line(error))) from None
        return CopyReport(target=safe_url(target_url), vendor=target.vendor, tables=counts)


@contextmanager
def database_alias(url: str) -> Iterator[str]:
    """The database `url` names, as a connection alias for the time of the block (never the one in use)."""
    try:
        config = dj_database_url.parse(url, conn_max_age=0)
    except (ValueError, KeyError):  # UnknownSchemeError is a ValueError
        raise BackupError(BAD_URL.format(url=safe_url(url))) from None
    vendor = SUPPORTED.get(config["ENGINE"])
    if vendor is None:
        raise BackupError(UNSUPPORTED_URL.format(engine=config["ENGINE"].rsplit(".", 1)[-1]))
    if not config.get("NAME"):
        raise BackupError(BAD_URL.format(url=safe_url(url)))
    if vendor == "sqlite":
        path = Path(config["NAME"]).resolve()
        if not path.parent.is_dir():
            raise BackupError(NO_DIRECTORY.format(path=path.parent))
        config["NAME"] = str(path)
        config["OPTIONS"] = {"timeout": 30}
    if _same_database(config, connections[DEFAULT_DB_ALIAS].settings_dict):
        raise BackupError(SAME_DATABASE)
    config = connections.configure_settings({DEFAULT_DB_ALIAS: config})[DEFAULT_DB_ALIAS]
    # A connection of this thread only, not a new entry of settings.DATABASES: nothing else sees the target.
    connections[TARGET_ALIAS] = load_backend(config["ENGINE"]).DatabaseWrapper(config, TARGET_ALIAS)
    try:
        yield TARGET_ALIAS
    finally:
        connections[TARGET_ALIAS].close()
        del connections[TARGET_ALIAS]


def safe_url(url: str) -> str:
    """The URL without its password, fit to print."""
    scheme, sep, rest = url.partition("://")
    credentials, at, location = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    return f"{scheme}{sep}{credentials.split(':', 1)[0]}:***@{location}"


def _same_database(config: dict[str, Any], current: dict[str, Any]) -> bool:
    if config["ENGINE"] != current["ENGINE"]:
        return False
    if SUPPORTED[config["ENGINE"]] == "sqlite":
        return Path(config["NAME"]).resolve() == Path(current["NAME"]).resolve()
    keys = ("HOST", "PORT", "NAME")
    return [str(config.get(k) or "") for k in keys] == [str(current.get(k) or "") for k in keys]


def _require_migrated(alias: str) -> None:
    executor = MigrationExecutor(connections[alias])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise BackupError(SOURCE_NOT_MIGRATED)


def _migrate(alias: str) -> None:
    try:
        call_command("migrate", database=alias, interactive=False, verbosity=0)
    except DatabaseError as error:
        reason = _one_line(error)
        advice = PUBLIC_SCHEMA_ADVICE if "schema public" in reason else ""
        raise BackupError(MIGRATE_FAILED.format(reason=reason) + advice) from None


def _copy_all(alias: str, *, batch_size: int, on_progress: Progress | None) -> dict[str, int]:
    source, target = connections[DEFAULT_DB_ALIAS], connections[alias]
    models = model_list()
    with transaction.atomic(using=DEFAULT_DB_ALIAS), transaction.atomic(using=alias):
        if source.vendor == "postgresql":
            with source.cursor() as cursor:  # the transaction's first statement: one snapshot for every table
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        expected = table_row_counts(using=DEFAULT_DB_ALIAS)
        with target.cursor() as cursor:
            for sql in target.ops.sql_flush(
                no_style(), [m._meta.db_table for m in models], reset_sequences=True, allow_cascade=True
            ):
                cursor.execute(sql)
        for model in models:
            _copy_table(
                model,
                alias,
                total=expected.get(model._meta.db_table, 0),
                batch_size=batch_size,
                on_progress=on_progress,
            )
        with target.cursor() as cursor:
            for sql in target.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
        search_index_rebuild(using=alias)
        copied = table_row_counts(using=alias)
        for table, rows in expected.items():
            if copied.get(table) != rows:
                raise BackupError(COUNTS_DIFFER.format(table=table, target=copied.get(table), source=rows))
    return copied


def _copy_table(model: type[Model], alias: str, *, total: int, batch_size: int, on_progress: Progress | None) -> None:
    target = connections[alias]
    fields = model._meta.concrete_fields
    table = model._meta.db_table
    quote = target.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - a model's table and columns
        quote(table), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
    )
    rows = (
        model._base_manager.using(DEFAULT_DB_ALIAS)
        .order_by("pk")
        .values_list(*[f.attname for f in fields])
        .iterator(chunk_size=batch_size)
    )
    done = 0
    if on_progress:
        on_progress(table, done, total)
    batch: list[list[Any]] = []
    with target.cursor() as cursor:
        for row in rows:
            batch.append(
                [field.get_db_prep_save(value, connection=target) for field, value in zip(fields, row, strict=True)]
            )
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                done += len(batch)
                batch = []
                if on_progress:
                    on_progress(table, done, total)
        if batch:
            cursor.executemany(sql, batch)
            done += len(batch)
    if on_progress:
        on_progress(table, done, total)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
