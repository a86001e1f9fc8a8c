"""Search behaves the same on both databases, and on PostgreSQL the query really uses the GIN index over the stored
vector (a rare word) and the date-order index (newest first), as EXPLAIN ANALYZE shows."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.articles.search import SearchFilter
from newsdesk.articles.selectors import article_search
from tests.ci import POSTGRES_ONLY
from tests.factories import make_article, make_publisher

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

# Checks PostgreSQL's query plan; the SQLite run skips it (an allowed skip under CI), the PostgreSQL pass runs it.
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason=POSTGRES_ONLY)


def _plans(query: str, search: SearchFilter) -> str:
    """EXPLAIN ANALYZE of the statement article_search sends for `query` (run, not only planned)."""
    captured = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        article_search(query, search=search)
    sql, params = next((s, p) for s, p in captured if "to_tsquery" in s)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def newsroom():
    """3,000 articles, each with the common word, one with a rare one: enough rows for real plans."""
    publisher = make_publisher()
    now = timezone.now()
    rows = [
        Article(
            publisher=publisher,
            canonical_url=f"https://plan.example/{n}",
            original_url=f"https://plan.example/{n}",
            title=f"Harbour report {n}" + (" dirigible" if n == 1234 else ""),
            original_title="Harbour report",
            search_text=f"harbour weather {n}",
            published_at=now - timedelta(minutes=n),
            fetched_at=now,
            content_hash=f"{n:064x}",
        )
        for n in range(3000)
    ]
    Article.objects.bulk_create(rows, batch_size=1000)
    with connection.cursor() as cursor:
        # New GIN entries wait in the index's pending list until a vacuum merges them; after a long test run that
        # list (earlier tests' rows) makes the planner cost the index above a scan of these 3,000 rows. Merge it,
        # as autovacuum does on a live site, so the plan is the one a real table gets.
        cursor.execute("SELECT gin_clean_pending_list('articles_article_search_gin'::regclass)")
        cursor.execute("ANALYZE articles_article")


@on_postgres
@pytest.mark.parametrize("order", ["relevance", "date"])
def test_a_rare_word_is_found_through_the_gin_index_over_the_stored_vector(newsroom, order):
    plan = _plans("dirigible", SearchFilter(order=order))

    assert "Bitmap Index Scan on articles_article_search_gin" in plan, plan
    # The index hands over the one match, not 3,000 rows. The word is one no other test writes: rolled-back rows of
    # earlier tests leave dead index entries (139 for "zeppelin", used by dozens of tests, in one full run), and
    # only this test's own other run adds one here.
    index_rows = int(re.search(r"articles_article_search_gin \(actual rows=(\d+)", plan).group(1))
    assert 1 <= index_rows < 100, plan
    assert "Seq Scan" not in plan, plan
    assert [a.title for a in article_search("dirigible")] == ["Harbour report 1234 dirigible"]


@on_postgres
def test_newest_first_reads_a_common_word_in_date_order_without_sorting_every_match(newsroom):
    plan = _plans("harbour", SearchFilter(order="date"))

    assert "Index Scan using articles_article_published_desc" in plan, plan
    assert "Sort" not in plan, plan
    assert [a.title for a in article_search("harbour", limit=2, search=SearchFilter(order="date"))] == [
        "Harbour report 0",
        "Harbour report 1",
    ]


@pytest.mark.parametrize(
    ("title", "query"),
    [
        ("Zeppelin lands safely", "zeppelin"),
        ("Zeppelin lands safely", "ZEPP*"),
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


@on_postgres
def test_the_search_vector_is_kept_in_the_row_compressed():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage, attcompression FROM pg_attribute "
            "WHERE attrelid = 'articles_article'::regclass AND attname = 'search_vector'"
        )
        storage, compression = cursor.fetchone()

    assert storage == "m"  # MAIN: compressed in the row, out of line only if nothing else fits
    assert compression in ("l", "p")  # lz4 where the server has it (Debian's does), else pglz


@on_postgres
def test_a_phrase_of_common_words_reads_only_the_newest_window_of_rows(newsroom, monkeypatch):
    from newsdesk.articles import search as search_module

    monkeypatch.setattr(search_module, "FIRST_WINDOW", 300)
    monkeypatch.setattr(search_module, "SEARCH_CANDIDATES", 50)
    plan = _plans('"harbour report"', SearchFilter())

    # Every one of the 3,000 rows holds both words; the first window's 300 rows give the 50 candidates.
    assert "Seq Scan" not in plan, plan
    returned = int(re.search(r"on articles_article a .*?\(actual rows=(\d+)", plan).group(1))
    removed = sum(int(n) for n in re.findall(r"Rows Removed by (?:Filter|Index Recheck): (\d+)", plan))
    assert returned == 50, plan
    assert returned + removed <= 300, plan
    assert len(article_search('"harbour report"', limit=100)) == 50
