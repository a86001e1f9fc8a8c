"""Checks commands run before touching the database, so a fresh data dir gives advice, not a traceback."""

from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

NOT_MIGRATED = "the database at {name} is not set up or not up to date: run `newsdesk migrate` first"


def require_migrated(alias: str = DEFAULT_DB_ALIAS) -> None:
    connection = connections[alias]
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandError(NOT_MIGRATED.format(name=connection.settings_dict.get("NAME")))
