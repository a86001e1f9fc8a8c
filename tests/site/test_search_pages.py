"""The search page's further pages (`?page=`): rank order kept across pages, no repeats, filters kept in the links,
a wire text once, and a page past the end of the results."""

import re

import pytest

from newsdesk.articles.selectors import article_search
from newsdesk.site.views.search import PAGES_MAX, RESULTS_MAX
from tests.factories import make_article, make_publisher
from tests.stories.rows import make_group

DASH = "\N{EN DASH}"  # between the first and last result's numbers in a page's heading
ARTICLE_LINK = re.compile(r'<h3 class="item-title"><a href="/article/(\d+)/')


def result_ids(html: str) -> list[int]:
    return [int(found) for found in ARTICLE_LINK.findall(html)]


@pytest.fixture
def many_matches(db):
    """105 English and 3 German articles with "zeppelin", mentioned a varying number of times (so the ranking is
    not the storage order)."""
    publisher = make_publisher()
    english = [
        make_article(publisher, title=f"Zeppelin report {n}", body_text=f"Report {n}. " + "zeppelin " * (n % 7))
        for n in range(105)
    ]
    for n in range(3):
        make_article(publisher, title=f"Zeppelin Bericht {n}", body_text="Ein Bericht.", language="de")
    return english


@pytest.mark.django_db
def test_page_two_shows_results_51_to_100_in_rank_order_without_repeats(client, many_matches):
    ranked = [article.pk for article in article_search("zeppelin", limit=200, language="en")]
    pages = [client.get("/search/", {"q": "zeppelin", "lang": "en", "page": n}) for n in (1, 2, 3)]
    first, second, third = (page.content.decode() for page in pages)

    assert [page.status_code for page in pages] == [200, 200, 200]
    assert len(ranked) == 105
    assert result_ids(first) == ranked[:RESULTS_MAX]
    assert result_ids(second) == ranked[RESULTS_MAX : 2 * RESULTS_MAX]
    assert result_ids(third) == ranked[2 * RESULTS_MAX :]
    assert f"Results 51{DASH}100 for “zeppelin”" in second
    assert f"Results 101{DASH}105 for “zeppelin”" in third
    # Each page links to its neighbours with the search's own parameters (the language kept).
    assert 'href="?q=zeppelin&amp;lang=en&amp;page=2" rel="next"' in first
    assert 'href="?q=zeppelin&amp;lang=en&amp;page=1" rel="prev"' in second
    assert 'href="?q=zeppelin&amp;lang=en&amp;page=3" rel="next"' in second
    assert 'rel="next"' not in third.split("</header>", 1)[1]


@pytest.mark.django_db
def test_a_page_number_is_read_as_on_the_other_lists(client, many_matches):
    # (tests/site/test_page_numbers.py: one rule for every list.)
    assert client.get("/search/", {"q": "zeppelin", "page": "abc"}).status_code == 400
    assert client.get("/search/", {"q": "zeppelin", "page": "0"}).status_code == 400
    assert client.get("/search/", {"q": "zeppelin", "page": "-2"}).status_code == 400
    assert client.get("/search/", {"q": "zeppelin", "page": "4"}).status_code == 404  # 108 matches: 3 pages
    assert client.get("/search/", {"q": "zeppelin", "page": str(PAGES_MAX + 1)}).status_code == 404
    assert client.get("/search/", {"q": "zeppelin", "page": "9" * 30}).status_code == 404
    # A refused filter is still the page's 400, whatever the page; no query: the form alone.
    assert client.get("/search/", {"q": "zeppelin", "page": "2", "order": "x"}).status_code == 400
    assert client.get("/search/", {"page": "2"}).status_code == 200


@pytest.mark.django_db
def test_a_wire_text_is_shown_once_across_the_pages(client):
    """60 wire texts each carried by four outlets: 240 matches, 60 results. The copies rank first (ties: newest
    first), so the first SEARCH_OVERFETCH * 51 matches hold fewer than a page of primaries: the search goes on."""
    origin = make_publisher(name="Origin")
    reprinters = [make_publisher(name=f"Reprinter {n}") for n in range(3)]
    primaries = []
    for n in range(60):
        primary = make_article(origin, title=f"Airship news {n}", body_text=f"Wire text {n} airship.")
        copies = [
            make_article(reprinter, title=f"Airship news {n}", body_text=f"Wire text {n} airship.")
            for reprinter in reprinters
        ]
        make_group(primary, copies)
        primaries.append(primary.pk)

    first = client.get("/search/", {"q": "airship"}).content.decode()
    second = client.get("/search/", {"q": "airship", "page": "2"}).content.decode()
    shown = result_ids(first) + result_ids(second)

    assert len(result_ids(first)) == RESULTS_MAX
    assert sorted(shown) == sorted(primaries)
    assert f"Results 51{DASH}60 for “airship”" in second
    assert client.get("/search/", {"q": "airship", "page": "3"}).status_code == 404
