"""Search behaves the same on both databases, and on PostgreSQL the query really uses the GIN index."""

import pytest
from django.db import connection

from newsdesk.articles.selectors import article_search
from tests.ci import POSTGRES_ONLY
from tests.factories import make_article, make_publisher

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

# Checks PostgreSQL's query plan; the SQLite run skips it (an allowed skip under CI), the PostgreSQL pass runs it.
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason=POSTGRES_ONLY)


@on_postgres
def test_search_query_is_answered_from_the_gin_index():
    make_article(make_publisher(), title="Zeppelin lands safely")
    with connection.cursor() as cursor:
        # Plain index scans off too: the search ranks the newest matches, and on a one-row table the planner walks
        # the primary key backwards instead. What must hold is that the match *can* come from the GIN index (its
        # expression is the index's, letter for letter); with both scans off only a bitmap scan of it is cheap.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        captured = []

        def explain(execute, sql, params, many, context):
            captured.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(explain):
            article_search("zeppelin")
        sql, params = next((s, p) for s, p in captured if "to_tsquery" in s)
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "articles_article_search_gin" in plan, plan


@pytest.mark.parametrize(
    ("title", "query"),
    [
        ("Zeppelin lands safely", "zeppelin"),
        ("Zeppelin lands safely", "ZEPP"),
        ("Zeppelin lands safely", "lands zeppelin"),
        ("Tokyo 東京 summit opens", "東京"),
        ("Über die Brücke", "über"),
    ],
)
def test_search_finds_the_same_articles_on_every_database(title, query):
    article = make_article(make_publisher(), title=title)
    make_article(make_publisher(), title="Unrelated weather report")

    assert [a.pk for a in article_search(query)] == [article.pk]


def test_search_ignores_diacritics():
    article = make_article(make_publisher(), title="Café reopens downtown")

    assert [a.pk for a in article_search("cafe")] == [article.pk]
