"""article_search narrowed by publisher and publication window, ordered by relevance or by date."""

from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.articles.search import SearchFilter, pg_rank_sql, pg_window_sql, query_terms, search_sql
from newsdesk.articles.selectors import article_search
from tests.factories import make_article, make_publisher

BASE = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def corpus():
    planet, other = make_publisher(slug="planet"), make_publisher(slug="other")
    return {
        "old_strong": make_article(
            planet, title="Zeppelin zeppelin zeppelin", body_text="zeppelin", published_at=BASE - timedelta(days=30)
        ),
        "new_weak": make_article(other, title="Harbour news", body_text="a zeppelin passed", published_at=BASE),
        "mid": make_article(other, title="Zeppelin museum", body_text="opens", published_at=BASE - timedelta(days=3)),
        "french": make_article(planet, title="Le zeppelin", language="fr", published_at=BASE - timedelta(days=1)),
    }


def ids(results) -> list[int]:
    return [a.pk for a in results]


@pytest.mark.django_db
def test_date_order_is_newest_first_and_relevance_puts_the_strongest_match_first(corpus):
    by_date = article_search("zeppelin", search=SearchFilter(order="date"))
    by_relevance = article_search("zeppelin")

    assert ids(by_date) == [corpus[k].pk for k in ("new_weak", "french", "mid", "old_strong")]
    assert by_relevance[0].pk == corpus["old_strong"].pk


@pytest.mark.django_db
def test_publisher_and_window_filters_narrow_the_matches(corpus):
    planet = corpus["old_strong"].publisher

    assert set(ids(article_search("zeppelin", search=SearchFilter(publisher_id=planet.pk)))) == {
        corpus["old_strong"].pk,
        corpus["french"].pk,
    }
    window = SearchFilter(since=BASE - timedelta(days=5), until=BASE, order="date")
    assert ids(article_search("zeppelin", search=window)) == [corpus["french"].pk, corpus["mid"].pk]
    assert ids(article_search("zeppelin", language="fr", search=SearchFilter(order="date"))) == [corpus["french"].pk]


def _statements(query: list[str], search: SearchFilter, vendor: str) -> list[tuple[str, list]]:
    """Every statement a search may send: the one statement, or PostgreSQL's windows (bounded and last) and rank."""
    if vendor == "sqlite" or search.order == "date":
        return [search_sql(query, search, vendor=vendor, limit=5)]
    return [
        pg_window_sql(query, search, high=900, low=100, need=5),
        pg_window_sql(query, search, high=100, low=None, need=5),
        pg_rank_sql(query, search, ids=[7, 8], limit=5),
    ]


@pytest.mark.parametrize("vendor", ["sqlite", "postgresql"])
@pytest.mark.parametrize("order", ["date", "relevance"])
def test_the_sql_takes_every_value_as_a_parameter(vendor, order):
    hostile = "x'; DROP TABLE articles_article; --"
    search = SearchFilter(language="fr", publisher_id=3, since=BASE, until=BASE, order=order)

    for sql, params in _statements(query_terms("zeppelin"), search, vendor):
        assert "DROP" not in sql
        assert sql.count("%s") == len(params)
        assert params[-1] == 5
    for sql, params in _statements(query_terms(hostile), SearchFilter(order=order), vendor):
        assert "DROP" not in sql
        assert any("drop" in str(p) for p in params)


def test_postgresql_relevance_is_not_one_statement():
    with pytest.raises(ValueError, match="search_ids"):
        search_sql(query_terms("zeppelin"), SearchFilter(), vendor="postgresql", limit=5)


@pytest.mark.django_db
def test_sqlite_ranks_the_newest_stored_matches_when_there_are_many(corpus, monkeypatch):
    from django.db import connection

    from newsdesk.articles import search as search_module

    monkeypatch.setattr(search_module, "SEARCH_CANDIDATES", 2)
    found = ids(article_search("zeppelin", search=SearchFilter(order="date")))

    if connection.vendor == "sqlite":  # the two most recently stored matches, newest published first
        assert found == [corpus["french"].pk, corpus["mid"].pk]
    else:  # PostgreSQL sorts every match
        assert found == [corpus[k].pk for k in ("new_weak", "french", "mid", "old_strong")]
