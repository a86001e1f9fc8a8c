"""A method a page or feed does not answer gets its 405 with `Allow`, not the CSRF check's 403 "form not accepted"
page (PUT, DELETE, POST to a page that only reads), and feeds and sitemaps no longer answer TRACE or OPTIONS with
the whole feed. Forms still need their CSRF token, and the API still answers its own JSON 405.

The clients enforce CSRF checks, as browsers and other clients meet them (Django's test client skips them).
"""

import pytest
from django.test import Client

from newsdesk.common.methods import MethodNotAllowedMiddleware
from newsdesk.site.views.errors import FORM_EXPIRED
from tests.factories import make_article, make_publisher

pytestmark = pytest.mark.django_db

READ_ONLY_PAGES = ["/", "/search/", "/rights/transparency", "/robots.txt", "/article/{id}/"]
FEEDS = [
    "/feeds/rss.xml",
    "/feeds/atom.xml",
    "/stories/rss.xml",
    "/stories/atom.xml",
    "/publisher/{slug}/rss.xml",
    "/comments/articles.article/{id}/feed.atom",
    "/sitemap.xml",
    "/sitemap-articles.xml",
]


@pytest.fixture
def article():
    return make_article(make_publisher())


def _path(template: str, article) -> str:
    return template.format(id=article.pk, slug=article.publisher.slug)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "POST", "PROPFIND"])
@pytest.mark.parametrize("page", READ_ONLY_PAGES)
def test_a_write_to_a_page_that_only_reads_is_a_405_naming_the_methods_it_answers(article, page, method):
    response = Client(enforce_csrf_checks=True).generic(method, _path(page, article))

    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert FORM_EXPIRED.encode() not in response.content


@pytest.mark.parametrize("method", ["TRACE", "POST", "PUT", "DELETE"])
@pytest.mark.parametrize("feed", FEEDS)
def test_a_feed_or_sitemap_answers_other_methods_with_a_405_and_no_body(article, feed, method):
    client = Client(enforce_csrf_checks=True)
    path = _path(feed, article)
    assert client.get(path).status_code == 200

    response = client.generic(method, path)

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.content == b""


@pytest.mark.parametrize("feed", FEEDS)
def test_options_on_a_feed_names_its_methods_as_a_page_does(article, feed):
    response = Client(enforce_csrf_checks=True).options(_path(feed, article))

    assert response.status_code == 200
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.content == b""


def test_head_of_a_feed_is_its_get_without_the_body(article):
    client = Client(enforce_csrf_checks=True)

    got, head = client.get("/feeds/rss.xml"), client.head("/feeds/rss.xml")

    assert head.status_code == got.status_code == 200
    assert head["Content-Type"] == got["Content-Type"]
    assert head.content == b""


def test_a_form_posted_without_its_csrf_token_is_still_refused_by_the_csrf_check():
    response = Client(enforce_csrf_checks=True).post("/rights/takedown", {"work": "mine"})

    assert response.status_code == 403
    assert FORM_EXPIRED in response.content.decode()


def test_the_api_still_answers_a_write_with_its_own_json_405(article):
    response = Client(enforce_csrf_checks=True).put("/api/articles")

    assert response.status_code == 405
    assert response.json() == {"error": "method not allowed"}


def test_the_middleware_stands_just_above_the_csrf_check(settings):
    stack = settings.MIDDLEWARE
    middleware = f"{MethodNotAllowedMiddleware.__module__}.{MethodNotAllowedMiddleware.__name__}"

    assert stack.index(middleware) + 1 == stack.index("django.middleware.csrf.CsrfViewMiddleware")
