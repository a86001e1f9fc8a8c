"""Migrations match the models and run both ways, on SQLite and on PostgreSQL (search index included)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from newsdesk.articles.selectors import article_search
from tests.factories import make_article, make_publisher

pytestmark = [pytest.mark.postgres]

PROJECT_TABLE_PREFIXES = ("sources_", "articles_", "ingest_", "websub_")
POSTGRES_SEARCH_INDEX = "articles_article_search_gin"


def _project_tables() -> list[str]:
    return sorted(t for t in connection.introspection.table_names() if t.startswith(PROJECT_TABLE_PREFIXES))


def _article_indexes() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, "articles_article"))


@pytest.mark.django_db
def test_models_have_no_changes_missing_a_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"models changed without a migration:\n{out.getvalue()}")


@pytest.mark.django_db(transaction=True)
def test_every_app_migrates_to_zero_and_back_with_working_search():
    executor = MigrationExecutor(connection)
    executor.migrate([(app, None) for app in sorted(executor.loader.migrated_apps)])

    assert _project_tables() == []  # the FTS5 table and its shadow tables went too

    call_command("migrate", verbosity=0)

    assert "articles_article" in _project_tables()
    if connection.vendor == "postgresql":
        assert POSTGRES_SEARCH_INDEX in _article_indexes()
    article = make_article(make_publisher(), title="Zeppelin returns after the round trip")
    assert [a.pk for a in article_search("zeppelin")] == [article.pk]


@pytest.mark.django_db(transaction=True)
def test_unapplying_the_search_index_removes_it_and_reapplying_restores_it():
    call_command("migrate", "articles", "0001", verbosity=0)
    if connection.vendor == "sqlite":
        assert "articles_article_fts" not in connection.introspection.table_names()
    else:
        assert POSTGRES_SEARCH_INDEX not in _article_indexes()

    # Every app: unapplying articles' later migrations also unapplied the apps that depend on them (stories,
    # media), and the tests after this one expect the whole schema.
    call_command("migrate", verbosity=0)

    article = make_article(make_publisher(), title="Zeppelin indexed again")
    assert [a.pk for a in article_search("zeppelin")] == [article.pk]
