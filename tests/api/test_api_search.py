"""`q` on /api/articles: the site search's selector and ranking, paged by the list's own `limit` and `cursor`."""

import json

import pytest

from newsdesk.api.articles import SEARCH_CURSOR_MARK
from newsdesk.api.pagination import ERROR_BAD_CURSOR, cursor_encode
from newsdesk.articles.filters import ERROR_BAD_ORDER
from newsdesk.articles.search import SEARCH_CANDIDATES
from newsdesk.articles.selectors import article_search
from tests.factories import make_article, make_publisher
from tests.stories.rows import make_group


def get_json(client, path: str, params: dict | None = None, status: int = 200) -> dict:
    response = client.get(path, params or {})
    assert response.status_code == status
    return json.loads(response.content)


def ids(data: dict) -> list[int]:
    return [item["id"] for item in data["items"]]


@pytest.fixture
def matches(db):
    """25 English articles with "zeppelin" a varying number of times, 2 German ones, 1 without the word."""
    publisher = make_publisher(slug="gazette")
    english = [
        make_article(publisher, title=f"Zeppelin report {n}", body_text=f"Report {n}. " + "zeppelin " * (n % 5))
        for n in range(25)
    ]
    for n in range(2):
        make_article(publisher, title=f"Zeppelin Bericht {n}", body_text="Ein Bericht.", language="de")
    make_article(publisher, title="Harbour news", body_text="Boats.")
    return english


@pytest.mark.django_db
def test_q_lists_the_search_results_in_rank_order_paged_by_cursor(client, matches):
    ranked = [article.pk for article in article_search("zeppelin", limit=100, language="en")]

    first = get_json(client, "/api/articles", {"q": "zeppelin", "lang": "en", "limit": "10"})
    second = get_json(client, first["next"])
    third = get_json(client, second["next"])

    assert len(ranked) == 25
    assert ids(first) + ids(second) + ids(third) == ranked
    assert first["next"].startswith(
        "http://testserver/api/articles?limit=10&lang=en&q=zeppelin&order=relevance&cursor="
    )
    assert third["next"] is None
    # The deprecated offset reaches the same positions.
    assert (
        ids(get_json(client, "/api/articles", {"q": "zeppelin", "lang": "en", "limit": "10", "offset": "10"}))
        == (ranked[10:20])
    )


@pytest.mark.django_db
def test_q_searches_newest_first_with_order_date_and_refuses_a_bad_order(client, matches):
    newest = get_json(client, "/api/articles", {"q": "zeppelin", "order": "date", "limit": "100"})
    dates = [item["published_at"] for item in newest["items"]]

    assert len(newest["items"]) == 27
    assert dates == sorted(dates, reverse=True)
    assert get_json(client, "/api/articles", {"q": "zeppelin", "order": "best"}, status=400) == {
        "error": ERROR_BAD_ORDER
    }


@pytest.mark.django_db
def test_an_empty_q_is_the_plain_list_and_cursors_do_not_cross_lists(client, matches):
    plain = get_json(client, "/api/articles", {"limit": "5"})
    date_cursor = plain["next"].rsplit("cursor=", 1)[1]
    search_cursor = cursor_encode([SEARCH_CURSOR_MARK, 5])

    assert ids(get_json(client, "/api/articles", {"limit": "5", "q": "  "})) == ids(plain)
    assert get_json(client, "/api/articles", {"q": "zeppelin", "cursor": date_cursor}, status=400) == {
        "error": ERROR_BAD_CURSOR
    }
    assert get_json(client, "/api/articles", {"cursor": search_cursor}, status=400) == {"error": ERROR_BAD_CURSOR}
    for position in (0, -1, SEARCH_CANDIDATES):
        bad = cursor_encode([SEARCH_CURSOR_MARK, position])
        assert get_json(client, "/api/articles", {"q": "zeppelin", "cursor": bad}, status=400)["error"] == (
            ERROR_BAD_CURSOR
        )
    assert get_json(client, "/api/articles", {"q": "harbour", "offset": str(SEARCH_CANDIDATES)})["items"] == []


@pytest.mark.django_db
def test_q_gives_each_wire_text_once_unless_one_publisher_is_asked_for(client):
    origin, reprinter = make_publisher(slug="origin"), make_publisher(slug="reprinter")
    primary = make_article(origin, title="Airship lands", body_text="Wire text airship.")
    copy = make_article(reprinter, title="Airship lands", body_text="Wire text airship.")
    make_group(primary, [copy])

    assert ids(get_json(client, "/api/articles", {"q": "airship"})) == [primary.pk]
    assert ids(get_json(client, "/api/articles", {"q": "airship", "publisher": "reprinter"})) == [copy.pk]


@pytest.mark.django_db
def test_the_schema_and_docs_name_q_and_order(client):
    schema = get_json(client, "/api/schema")
    names = [param.get("name") for param in schema["paths"]["/api/articles"]["get"]["parameters"]]
    docs = client.get("/api/docs").content.decode()

    assert "q" in names
    assert "order" in names
    assert "ignored" in schema["info"]["description"]
    assert "most recently stored matches" in docs
