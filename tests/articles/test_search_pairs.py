"""A quoted phrase on PostgreSQL reads the articles holding its word pairs (migration 0012's index), then checks the
phrase on those rows only. It must find what the vector's GIN index alone finds, in the same order, on a table where
many rows hold the phrase's words apart; and SQLite, which has positions in its own index, finds the same."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from newsdesk.articles import search as search_module
from newsdesk.articles.models import Article
from newsdesk.articles.search import SearchFilter, parse_query, pg_match_sql, tsquery_expression
from newsdesk.articles.selectors import article_search
from tests.ci import POSTGRES_ONLY
from tests.factories import make_publisher

pytestmark = [pytest.mark.postgres]

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason=POSTGRES_ONLY)

BASE = datetime(2026, 11, 1, tzinfo=UTC)
# Words no other test writes: other tests' rolled-back rows leave dead entries in the indexes, and a plan bound
# must not count them.
PHRASE = '"quokka marmalade"'
APART = 600
# (n, title, text): the articles that hold the phrase, newest (highest n) stored last; the strongest holds it twice.
HOLDERS = [
    (40, "Quokka marmalade wins the fair", "The quokka marmalade sold out; more quokka marmalade next week."),
    (210, "Fair report", "A jar of quokka marmalade was entered."),
    (380, "Kitchen notes", "Quokka marmalade, they said, is an acquired taste."),
    (599, "Late entry", "Someone brought quokka marmalade at the end."),
]


@pytest.fixture
def pantry():
    """APART articles with both words but never side by side, and the HOLDERS among them, in date order."""
    publisher = make_publisher()
    holders = {n: (title, text) for n, title, text in HOLDERS}
    rows = []
    for n in range(APART):
        title, text = holders.get(n, (f"Pantry {n}", f"The quokka ate toast, not marmalade, on day {n}."))
        rows.append(
            Article(
                publisher=publisher,
                canonical_url=f"https://pantry.example/{n}",
                original_url=f"https://pantry.example/{n}",
                title=title,
                original_title=title,
                search_text=text,
                language="en",
                published_at=BASE + timedelta(minutes=n),
                fetched_at=BASE,
                content_hash=f"{n:064x}",
            )
        )
    Article.objects.bulk_create(rows, batch_size=200)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Merge the new rows' pending GIN entries, as autovacuum does on a live site (see test_postgres_search).
            for index in ("articles_article_search_gin", "articles_article_bigram_gin"):
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
            cursor.execute("ANALYZE articles_article")
    return {n: Article.objects.get(canonical_url=f"https://pantry.example/{n}").pk for n in holders}


def _titles(query: str, search: SearchFilter) -> list[str]:
    return [article.title for article in article_search(query, search=search)]


@pytest.mark.django_db
def test_a_phrase_with_many_candidate_rows_is_found_in_date_and_relevance_order(pantry):
    newest_first = ["Late entry", "Kitchen notes", "Fair report", "Quokka marmalade wins the fair"]

    assert _titles(PHRASE, SearchFilter(order="date")) == newest_first
    by_relevance = _titles(PHRASE, SearchFilter())
    assert sorted(by_relevance) == sorted(newest_first)
    assert by_relevance[0] == "Quokka marmalade wins the fair"  # in the title and twice in the text
    assert _titles('"marmalade quokka"', SearchFilter()) == []
    assert _titles('"quokka marmalade" sold', SearchFilter()) == ["Quokka marmalade wins the fair"]
    assert _titles('"quokka ate toast" "not marmalade" day', SearchFilter(order="date"))[:2] == [
        "Pantry 598",
        "Pantry 597",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("order", ["relevance", "date"])
def test_the_pair_index_finds_what_the_vector_index_alone_finds(pantry, monkeypatch, order):
    """On SQLite both calls run the same statement; on PostgreSQL the second one matches without the pairs."""
    queries = [PHRASE, '"the quokka"', '"quokka ate toast not marmalade"', '"quokka marmalade" jar', '"on day 7"']
    with_pairs = [_titles(query, SearchFilter(order=order)) for query in queries]
    monkeypatch.setattr(search_module, "_phrases", lambda query: [])
    without = [_titles(query, SearchFilter(order=order)) for query in queries]

    assert with_pairs == without
    assert [len(titles) for titles in with_pairs] == [4, 50, 50, 1, 1]  # 50: article_search's page


def test_only_phrases_of_plain_words_use_the_pairs():
    plain, plain_params = pg_match_sql(parse_query("quokka marmalade"))
    paired, paired_params = pg_match_sql(parse_query('"quokka marmalade" jar "sold out" "one"'))

    assert "newsdesk_bigrams" not in plain
    assert plain_params == [tsquery_expression(parse_query("quokka marmalade"))]
    assert paired.count("newsdesk_phrase_bigrams(%s::text[])") == 2
    assert paired_params[:2] == [["quokka", "marmalade"], ["sold", "out"]]
    assert paired.count("%s") == len(paired_params)
    # An underscore splits a word in two for PostgreSQL's parser: such a phrase is matched without the pairs.
    assert "newsdesk_bigrams" not in pg_match_sql(parse_query('"quokka_jam marmalade"'))[0]
    assert "newsdesk_bigrams" not in pg_match_sql(parse_query('"quokka"'))[0]


@on_postgres
@pytest.mark.django_db
def test_a_phrase_reads_only_the_rows_holding_its_pairs(pantry):
    captured = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        article_search(PHRASE, search=SearchFilter(order="date"))
    # The pair index's statement (the newest rows, checked first, do not hold a page of this phrase's matches).
    sql, params = next((s, p) for s, p in captured if "newsdesk_bigrams" in s)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Bitmap Index Scan on articles_article_bigram_gin" in plan, plan
    # The APART rows hold both words but not the pair: the phrase is checked on (about) the 4 holders, not on 600.
    # Only visible rows count here, so dead index entries of other tests cannot raise it.
    removed = sum(int(n) for n in re.findall(r"Rows Removed by (?:Filter|Index Recheck): (\d+)", plan))
    assert removed < 50, plan


@on_postgres
@pytest.mark.django_db
def test_the_pairs_of_a_phrase_are_the_pairs_of_the_stored_vector():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT newsdesk_phrase_bigrams(ARRAY['Quokka', 'Marmalade']) <@ newsdesk_bigrams("
            "setweight(to_tsvector('simple', 'a quokka marmalade'), 'B')), "
            # Stems (weight D) are not matched by a phrase, so they give no pairs.
            "cardinality(newsdesk_bigrams(setweight(to_tsvector('simple', 'quokka marmalade'), 'D'))), "
            "cardinality(newsdesk_phrase_bigrams(ARRAY['quokka', 'marmalade', 'jar'])), "
            # Words that are not one token each (none, two): no pairs, the index narrows nothing.
            "cardinality(newsdesk_phrase_bigrams(ARRAY['quokka', ''])), "
            "cardinality(newsdesk_phrase_bigrams(ARRAY['quokka', 'jam_jar'])), "
            "newsdesk_phrase_bigrams(ARRAY['Crème', 'brûlée']) = newsdesk_phrase_bigrams(ARRAY['creme', 'brulee'])"
        )
        assert cursor.fetchone() == (True, 0, 2, 0, 0, True)


@pytest.mark.django_db
def test_a_phrase_stops_widening_its_windows_past_the_paired_span(pantry, monkeypatch):
    """Past PAIRED_SPAN ids the next window is the last one (on PostgreSQL); the candidates stay the newest ones."""
    monkeypatch.setattr(search_module, "SEARCH_CANDIDATES", 300)
    monkeypatch.setattr(search_module, "FIRST_WINDOW", 10**12)
    one_window = _titles('"quokka ate toast"', SearchFilter())
    monkeypatch.setattr(search_module, "FIRST_WINDOW", 50)
    monkeypatch.setattr(search_module, "WINDOW_GROWTH", 2)
    monkeypatch.setattr(search_module, "PAIRED_SPAN", 100)
    sent: list[str] = []

    def capture(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        windowed = _titles('"quokka ate toast"', SearchFilter())

    assert windowed == one_window
    assert len(one_window) == 50
    if connection.vendor == "postgresql":
        windows = [sql for sql in sent if "ORDER BY a.id DESC LIMIT" in sql]
        # 50 ids, 100 ids, then (200 > PAIRED_SPAN) everything older, bounded above only.
        assert len(windows) == 3
        assert "a.id + 0 <= " in windows[-1]
        assert "a.id + 0" not in windows[0]


@pytest.mark.django_db
@pytest.mark.parametrize("newest_rows", [10, 100, 10_000])
def test_newest_first_a_phrase_is_the_same_whether_the_newest_rows_hold_a_page_or_not(pantry, monkeypatch, newest_rows):
    """On PostgreSQL the NEWEST_ROWS newest articles are checked first (10 and 100: too few for a page of 50, so the
    pair index's statement follows; 10,000: all of them); SQLite runs its one statement."""
    monkeypatch.setattr(search_module, "_phrases", lambda query: [])
    expected = _titles('"quokka ate toast"', SearchFilter(order="date"))
    monkeypatch.undo()
    monkeypatch.setattr(search_module, "NEWEST_ROWS", newest_rows)

    assert _titles('"quokka ate toast"', SearchFilter(order="date")) == expected
    assert expected[:2] == ["Pantry 598", "Pantry 597"]
    assert len(expected) == 50
