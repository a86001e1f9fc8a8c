"""The flush after each transactional test, without re-creating every content type and permission each time.

Django's flush empties every table and then emits post_migrate, whose two receivers (contenttypes'
create_contenttypes and auth's create_permissions) insert every content type and permission again, app by app:
~0.3 s of a ~0.4 s teardown, after each of ~90 transactional tests. Here the flush leaves django_content_type and
auth_permission alone, and skips post_migrate, as long as those two tables hold exactly the rows they held after
the last full flush (ids included). A test that changed, added or deleted any of them (a restored snapshot or
backup, a migration run, a flush of its own) gets Django's whole flush, so the next test starts from the rows
post_migrate makes, as before.
"""

from __future__ import annotations

import contextlib
import weakref
from importlib import import_module

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections
from django.db.models.signals import post_migrate
from django.test import TransactionTestCase

KEPT_TABLES = ("django_content_type", "auth_permission")
# The post_migrate receivers whose rows the kept tables are; any other receiver means the cheap flush is off.
KNOWN_RECEIVERS = frozenset({create_contenttypes, create_permissions})


def import_management_modules() -> None:
    """Flush imports each app's `management` module first, which is where post_migrate receivers connect."""
    for app_config in apps.get_app_configs():
        with contextlib.suppress(ImportError):
            import_module(".management", app_config.name)


def post_migrate_receivers() -> set:
    """Every function connected to post_migrate, for any sender."""
    receivers = (entry[1] for entry in post_migrate.receivers)
    return {receiver() if isinstance(receiver, weakref.ReferenceType) else receiver for receiver in receivers} - {None}


def kept_rows(alias: str) -> list[list[tuple]]:
    """Every row of the kept tables, in id order."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        rows = []
        for table in KEPT_TABLES:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY id")  # noqa: S608
            rows.append(cursor.fetchall())
    return rows


class CheapFlush:
    """Installed over TransactionTestCase._fixture_teardown for the run (tests/conftest.py); `full` and `cheap`
    count what each teardown did."""

    def __init__(self) -> None:
        self.original = TransactionTestCase._fixture_teardown
        self.reference: dict[str, list[list[tuple]]] = {}  # alias -> the kept rows after the last full flush
        self.full = 0
        self.cheap = 0

    def install(self) -> None:
        import_management_modules()
        flush = self

        def _fixture_teardown(test_case: TransactionTestCase) -> None:
            # available_apps and serialized_rollback have flushes of their own making: Django's, untouched.
            if test_case.available_apps is not None or test_case.serialized_rollback:
                flush.original(test_case)
                return
            for alias in test_case._databases_names(include_mirrors=False):
                flush.flush(alias)

        TransactionTestCase._fixture_teardown = _fixture_teardown

    def uninstall(self) -> None:
        TransactionTestCase._fixture_teardown = self.original

    def flush(self, alias: str) -> None:
        # The ids cached in this process are right only while the rows stay; after a full flush they are new.
        ContentType.objects.clear_cache()
        if post_migrate_receivers() == KNOWN_RECEIVERS and kept_rows(alias) == self.reference.get(alias):
            connection = connections[alias]
            tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
            emptied = [table for table in tables if table not in KEPT_TABLES]
            connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), emptied, reset_sequences=False))
            self.cheap += 1
            return
        # Exactly Django's flush of a transactional test (TransactionTestCase._fixture_teardown).
        call_command("flush", verbosity=0, interactive=False, database=alias, reset_sequences=False)
        self.reference[alias] = kept_rows(alias)
        self.full += 1
