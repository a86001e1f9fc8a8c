"""tests/transactional_flush.py: the flush after a transactional test keeps the content types and permissions only
while they are exactly what the last full flush made, so every transactional test starts from the same content
types and permissions as with Django's own flush. On SQLite and PostgreSQL alike (the PostgreSQL pass runs it)."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from newsdesk.articles.models import Article
from tests.factories import make_article, make_publisher
from tests.transactional_flush import KEPT_TABLES, KNOWN_RECEIVERS, kept_rows, post_migrate_receivers

pytestmark = pytest.mark.django_db(transaction=True)


def _content_types_and_permissions() -> tuple[list[tuple], list[tuple]]:
    """What post_migrate makes, by natural key (the ids of a full flush are new ones)."""
    return (
        sorted(ContentType.objects.values_list("app_label", "model")),
        sorted(Permission.objects.values_list("content_type__app_label", "content_type__model", "codename", "name")),
    )


def _row_counts() -> dict[str, int]:
    return {
        model._meta.db_table: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.db_table not in KEPT_TABLES
    }


def test_only_contenttypes_and_auth_listen_to_post_migrate():
    # Another receiver would make rows the kept tables do not hold: the cheap flush would then never run.
    assert post_migrate_receivers() == KNOWN_RECEIVERS


def test_the_cheap_flush_empties_every_other_table_and_keeps_the_rows_post_migrate_made(
    transactional_flush_keeps_content_types,
):
    flush = transactional_flush_keeps_content_types
    flush.flush(connection.alias)  # whatever an earlier test left, this one starts from a full flush's rows
    made_by_post_migrate = _content_types_and_permissions()
    kept = kept_rows(connection.alias)
    make_article(make_publisher(name="Harbour Herald"), title="Ferry timetable")
    User.objects.create_user("editor", password="x")
    assert _row_counts()["articles_article"] == 1
    ContentType.objects.get_for_model(Article)  # cached in this process

    cheap_before = flush.cheap
    flush.flush(connection.alias)

    assert flush.cheap == cheap_before + 1
    assert set(_row_counts().values()) == {0}
    assert kept_rows(connection.alias) == kept
    assert _content_types_and_permissions() == made_by_post_migrate
    # Django's full flush makes exactly these again.
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)
    assert _content_types_and_permissions() == made_by_post_migrate


def test_changed_content_types_or_permissions_get_the_full_flush(transactional_flush_keeps_content_types):
    flush = transactional_flush_keeps_content_types
    flush.flush(connection.alias)
    made_by_post_migrate = _content_types_and_permissions()

    Permission.objects.create(
        codename="stray", name="Stray permission", content_type=ContentType.objects.get_for_model(Article)
    )
    ContentType.objects.filter(app_label="sessions").delete()
    full_before = flush.full
    flush.flush(connection.alias)

    assert flush.full == full_before + 1
    assert _content_types_and_permissions() == made_by_post_migrate
    # The ids cached before are gone with the cache: lookups find the rows the full flush made.
    assert ContentType.objects.get_for_model(Article).pk == ContentType.objects.get(model="article").pk
    # And the next flush is a cheap one again.
    cheap_before = flush.cheap
    flush.flush(connection.alias)
    assert flush.cheap == cheap_before + 1
