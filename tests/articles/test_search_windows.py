"""Relevance ranks the newest SEARCH_CANDIDATES matches. On PostgreSQL they are gathered window by window of ids
(newest window first, each WINDOW_GROWTH times wider); the windows must give exactly the newest matches, whatever
their sizes, and stop as soon as there are enough."""

import pytest
from django.db import connection

from newsdesk.articles import search as search_module
from newsdesk.articles.models import Article
from newsdesk.articles.search import SearchFilter
from newsdesk.articles.selectors import article_search
from tests.factories import make_article, make_publisher

pytestmark = pytest.mark.django_db


@pytest.fixture
def stream():
    """40 articles stored in turn; every third one mentions the zeppelin, some of them more strongly."""
    publisher = make_publisher()
    for n in range(40):
        title = f"Zeppelin {'zeppelin ' * (n % 4)}report {n}" if n % 3 == 0 else f"Harbour report {n}"
        make_article(publisher, title=title, body_text=f"Report {n}.")
    return list(Article.objects.filter(title__startswith="Zeppelin").order_by("-pk").values_list("pk", flat=True))


def _searching(query: str, **kwargs) -> tuple[list[int], list[str]]:
    sent: list[str] = []

    def capture(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        found = [a.pk for a in article_search(query, **kwargs)]
    return found, sent


@pytest.mark.parametrize(("first", "growth"), [(1, 2), (3, 4), (7, 3), (1000, 4)])
def test_relevance_ranks_exactly_the_newest_matches_whatever_the_windows(stream, monkeypatch, first, growth):
    monkeypatch.setattr(search_module, "SEARCH_CANDIDATES", 5)
    monkeypatch.setattr(search_module, "FIRST_WINDOW", 10**12)
    one_window, _sent = _searching("zeppelin")
    monkeypatch.setattr(search_module, "FIRST_WINDOW", first)
    monkeypatch.setattr(search_module, "WINDOW_GROWTH", growth)

    found, _sent = _searching("zeppelin")

    assert set(found) == set(stream[:5])
    assert found == one_window  # same candidates, same ranking


def test_fewer_matches_than_candidates_are_all_found_and_ranked(stream, monkeypatch):
    monkeypatch.setattr(search_module, "FIRST_WINDOW", 2)

    found, _sent = _searching("zeppelin")

    assert sorted(found) == sorted(stream)
    assert article_search("zeppelin", search=SearchFilter(publisher_id=-1)) == []


def test_postgresql_stops_widening_once_it_has_enough_candidates(stream, monkeypatch):
    monkeypatch.setattr(search_module, "SEARCH_CANDIDATES", 3)
    monkeypatch.setattr(search_module, "FIRST_WINDOW", 6)  # the newest 6 ids hold 2 matches, the next 12 hold 4
    monkeypatch.setattr(search_module, "WINDOW_GROWTH", 2)

    found, sent = _searching("zeppelin")

    assert set(found) == set(stream[:3])
    windows = [sql for sql in sent if "ORDER BY a.id DESC LIMIT" in sql]
    if connection.vendor == "postgresql":
        assert len(windows) == 2, sent  # the second window completes the three: no third one
    else:
        assert len(sent) == 2, sent  # SQLite: one statement, then the rows


def test_nothing_stored_finds_nothing():
    assert article_search("zeppelin") == []


def test_a_table_smaller_than_the_first_window_is_one_window_whatever_its_ids(stream):
    found, sent = _searching("zeppelin")

    assert sorted(found) == sorted(stream)
    windows = [sql for sql in sent if "ORDER BY a.id DESC LIMIT" in sql]
    assert len(windows) == (1 if connection.vendor == "postgresql" else 0), sent
