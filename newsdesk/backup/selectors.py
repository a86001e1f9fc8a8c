"""Reads about a whole database: its tables in dependency order, their row counts, whether it holds data, its schema."""

from __future__ import annotations

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model

# Rows `migrate` writes by itself into a new database: a freshly migrated database does not count as holding data.
MIGRATE_FILLS = frozenset({"django_content_type", "auth_permission"})


def model_list() -> list[type[Model]]:
    """Every table-backed model (many-to-many tables included), each after the models its foreign keys point at.

    Foreign keys between tables of a cycle, and to their own table, are left to the database's deferred
    constraint checks (Django creates them DEFERRABLE INITIALLY DEFERRED on PostgreSQL and SQLite).
    """
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]
    models.sort(key=lambda model: model._meta.db_table)
    depends_on = {
        model: {
            field.related_model
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model is not None and field.related_model is not model
        }
        for model in models
    }
    ordered: list[type[Model]] = []
    placed: set[type[Model]] = set()
    while len(ordered) < len(models):
        ready = [m for m in models if m not in placed and depends_on[m] <= placed | _outside(depends_on[m], models)]
        if not ready:  # a cycle: take the rest in name order
            ready = [m for m in models if m not in placed]
        for model in ready:
            ordered.append(model)
            placed.add(model)
    return ordered


def _outside(targets: set[type[Model]], models: list[type[Model]]) -> set[type[Model]]:
    return {target for target in targets if target not in models}


def table_row_counts(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """{table: rows} of every model table that exists in the database at `using`."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for model in model_list():
            table = model._meta.db_table
            if table in existing:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - a model's table
                counts[table] = cursor.fetchone()[0]
    return counts


def database_holds_data(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether any table holds a row that `migrate` did not write itself (a missing database holds none)."""
    counts = table_row_counts(using=using)
    return any(rows for table, rows in counts.items() if table not in MIGRATE_FILLS)


def migration_state(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """{app_label: [applied migration names]} of the database at `using` ({} before the first `migrate`)."""
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def migrations_known() -> set[tuple[str, str]]:
    """Every migration of this code, as (app_label, name)."""
    return set(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)
