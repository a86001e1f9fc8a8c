"""One reading of `?page=` on every list page (home, the /stories/ address that leads there, category, publisher and
search pages): absent or empty is page 1, a whole number from 1 is that page (a 404 past the end), anything else a
400 that says what is expected — never the first page shown in place of the one asked for, never a 500. The API's
lists page by cursor and refuse a `page` the same way, as JSON."""

import json

import pytest

from newsdesk.api.pagination import ERROR_PAGE_PARAM
from newsdesk.site.pagination import ERROR_BAD_PAGE
from tests.factories import make_article, make_category, make_publisher
from tests.stories.rows import make_story

pytestmark = pytest.mark.django_db

NOT_PAGE_NUMBERS = ["abc", "0", "-1", "1.5", "+2", " 2", "\x00", "\N{ARABIC-INDIC DIGIT TWO}", "000"]


@pytest.fixture
def lists():
    """The list pages' paths, each with one page of items."""
    category = make_category("World")
    publisher = make_publisher(name="Harbour Times")
    article = make_article(publisher, title="Zeppelin lands", category=category)
    make_story([article])
    return {
        "home": "/",
        "category": category.get_absolute_url(),
        "publisher": publisher.get_absolute_url(),
        "search": "/search/?q=zeppelin",
    }


def page_of(path: str, page: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}page={page}"


@pytest.mark.parametrize("name", ["home", "category", "publisher", "search"])
def test_a_value_that_is_not_a_page_number_is_a_400_saying_so(client, lists, name):
    for value in NOT_PAGE_NUMBERS:
        response = client.get(lists[name], {"page": value} | ({"q": "zeppelin"} if name == "search" else {}))

        assert (value, response.status_code) == (value, 400)
        assert ERROR_BAD_PAGE in response.content.decode()


@pytest.mark.parametrize("name", ["home", "category", "publisher", "search"])
def test_page_one_absent_empty_or_with_leading_zeros_and_a_page_past_the_end(client, lists, name):
    first = client.get(lists[name])

    assert first.status_code == 200
    for same in ("", "1", "01"):
        assert client.get(page_of(lists[name], same)).content == first.content
    for past in ("2", "99", "9" * 30, "9" * 5000):
        assert (past[:5], client.get(page_of(lists[name], past)).status_code) == (past[:5], 404)


def test_the_stories_address_leads_home_with_the_page_kept(client, lists):
    response = client.get("/stories/?page=abc", follow=True)

    assert response.redirect_chain == [("/?page=abc", 302)]
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/api/articles", "/api/stories"])
def test_the_api_lists_refuse_a_page_parameter_they_would_otherwise_ignore(client, lists, path):
    for value in ("2", "1", "abc"):
        response = client.get(path, {"page": value})

        assert response.status_code == 400
        assert json.loads(response.content) == {"error": ERROR_PAGE_PARAM}
    assert client.get(path).status_code == 200
    assert client.get(path, {"limit": "abc"}).status_code == 400
