import pytest

from newsdesk.articles.filters import QUERY_MAX_CHARS, clean_query
from newsdesk.site.views.search import RESULTS_MAX
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


@pytest.mark.django_db
def test_a_page_of_results_cut_at_its_limit_does_not_claim_to_be_all_of_them(client, settings):
    publisher = make_publisher()
    for n in range(RESULTS_MAX + 2):
        make_article(publisher, title=f"Zeppelin sighting number {n}")
    make_article(publisher, title="Zeppelin parade")

    many = client.get("/search/", {"q": "zeppelin"}).content.decode()
    few = client.get("/search/", {"q": "zeppelin parade"}).content.decode()

    assert many.count('<li class="item"') == RESULTS_MAX
    assert f"The first {RESULTS_MAX} results for “zeppelin”" in many
    assert f"{RESULTS_MAX} results for" not in many.replace(f"The first {RESULTS_MAX} results for", "")
    assert "1 result for “zeppelin parade”" in few


@pytest.mark.django_db
def test_a_query_over_the_length_limit_is_cut_between_words(client):
    make_article(make_publisher(), title="Zeppelin lands safely")
    # The cut at QUERY_MAX_CHARS falls inside the last "zeppelin": searching its first letters found nothing.
    query = ("zeppelin " * (QUERY_MAX_CHARS // 9 + 1)).strip()
    assert query[QUERY_MAX_CHARS - 1] != " "
    assert query[QUERY_MAX_CHARS] != " "

    html = client.get("/search/", {"q": query}).content.decode()

    assert clean_query(query) == query[: query.rindex(" ", 0, QUERY_MAX_CHARS + 1)]
    assert "1 result for" in html
    assert clean_query("x" * 1000) == "x" * QUERY_MAX_CHARS  # one word longer than the limit: cut inside it
