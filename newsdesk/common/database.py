"""Checks commands run before touching the database, so a fresh data dir gives advice, not a traceback."""

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
