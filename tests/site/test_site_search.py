import pytest

from newsdesk.sources.models import Publisher
from tests.factories import make_article, make_publisher

HOSTILE_QUERIES = [
    '"',
    '"unbalanced',
    "*",
    "zeppelin*",
    "NEAR(",
    "NEAR(a b",
    "-",
    "-zeppelin",
    "AND OR",
    "AND OR NOT",
    "((((",
    "))",
    "a:b",
    "title:zeppelin",
    "^zeppelin",
    "{}[]",
    "x" * 10_000,
    "zeppelin\x00drop",
    "\x00",
    "'; DROP TABLE articles_article; --",
    "zeppelin " * 500,
    "ÜBER café 東京",
    "&amp;<script>",
]


@pytest.mark.django_db
@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_search_queries_never_error(client, query):
    make_article(make_publisher(), title="Zeppelin lands safely")

    response = client.get("/search/", {"q": query})

    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("</header>", 1)[1]


@pytest.mark.django_db
def test_search_finds_by_title_and_shows_publisher(client):
    publisher = make_publisher(name="Gazette")
    make_article(publisher, title="Zeppelin lands safely", wire_credit="Reuters")

    html = client.get("/search/", {"q": "zeppelin"}).content.decode()

    assert "Zeppelin lands safely" in html
    assert "Gazette" in html
    assert "With Reuters" in html
    assert "1 result for" in html


@pytest.mark.django_db
def test_search_with_empty_query_shows_form_only(client):
    make_article(make_publisher(), title="Zeppelin lands safely")

    response = client.get("/search/")

    assert response.status_code == 200
    # The page's own form (the header's search box is on every page, so it proves nothing).
    main = response.content.decode().split("</header>", 1)[1]
    assert '<input id="search-q" type="search" name="q" value=""' in main
    assert '<ul class="items">' not in main
    assert "Nothing found" not in main
    assert "Zeppelin lands safely" not in main


@pytest.mark.django_db
def test_search_results_of_headline_only_publisher_show_title_only(client):
    publisher = make_publisher(policy=Publisher.DisplayPolicy.HEADLINE)
    make_article(publisher, title="Zeppelin story", summary="quokkasentinel", body_text="quokkasentinel body")

    by_title = client.get("/search/", {"q": "zeppelin"}).content.decode()
    by_body = client.get("/search/", {"q": "quokkasentinel"}).content.decode()

    assert "Zeppelin story" in by_title
    assert "quokkasentinel" not in by_title
    assert "Nothing found" in by_body
