"""tests/db_snapshot.py: a restored snapshot gives back the rows, ids and sequences it was taken with, whatever
changed in between; and the flush between transactional tests (DELETE on PostgreSQL, tests/conftest.py) empties
every table. On SQLite and PostgreSQL alike: the PostgreSQL pass runs this file."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from newsdesk.articles.models import Article
from newsdesk.articles.selectors import article_search
from newsdesk.sources.models import Publisher
from tests.db_snapshot import DatabaseSnapshot
from tests.factories import make_article, make_publisher

pytestmark = pytest.mark.django_db(transaction=True)


def _rows() -> list[tuple]:
    return list(Article.objects.order_by("pk").values_list("pk", "title", "publisher__name", "search_text"))


def test_a_restored_snapshot_gives_back_the_rows_and_the_next_ids():
    publisher = make_publisher(name="Harbour Herald")
    kept = [make_article(publisher, title=f"Ferry timetable {n}") for n in range(3)]
    snapshot = DatabaseSnapshot()
    try:
        rows = _rows()
        Article.objects.filter(pk=kept[0].pk).update(title="Changed")
        Article.objects.filter(pk=kept[1].pk).delete()
        extra = make_article(make_publisher(name="Other Paper"), title="Not in the snapshot")

        snapshot.restore()

        assert _rows() == rows
        assert list(Publisher.objects.values_list("name", flat=True)) == ["Harbour Herald"]
        # The sequences are set back too: the next article gets the id the one made after the snapshot got.
        assert make_article(publisher, title="After the restore").pk == extra.pk
        # Search finds them again (SQLite's FTS index is in the copy; PostgreSQL's generated vectors are recomputed).
        assert sorted(a.pk for a in article_search("timetable")) == [a.pk for a in kept]

        # The flush between tests makes the content types anew (new ids), and the process caches them ...
        call_command("flush", interactive=False, verbosity=0, reset_sequences=False)
        fresh = ContentType.objects.get_for_model(Article).pk

        snapshot.restore()  # as many times as tests need it

        assert _rows() == rows
        # ... so a restore drops that cache with the rows: content types are looked up again, by the ids restored.
        restored = ContentType.objects.get_for_model(Article).pk
        assert restored != fresh
        assert ContentType.objects.filter(pk=restored, model="article").exists()
    finally:
        snapshot.drop()


def test_the_flush_empties_every_table_and_keeps_the_sequences_going():
    publisher = make_publisher(name="Harbour Herald")
    article = make_article(publisher, title="Ferry timetable")
    statements = connection.ops.sql_flush(no_style(), ["sources_publisher"])

    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)  # as after a transactional test

    assert (Article.objects.count(), Publisher.objects.count()) == (0, 0)
    assert list(article_search("timetable")) == []
    assert make_article(make_publisher(), title="Next").pk > article.pk  # ids are not handed out twice
    if connection.vendor == "postgresql":
        assert statements == ['DELETE FROM "sources_publisher";']
