"""The WSGI fast path of the response cache (config/wsgi.py): a current entry is answered before Django's handler
runs, with the same status, body and headers as the middleware's hit; everything else reaches Django unchanged."""

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import RequestFactory

from newsdesk.articles.services import publisher_policy_set
from newsdesk.common.cached_wsgi import CachedHitApplication
from newsdesk.common.content_version import content_version_bump
from newsdesk.common.response_cache import request_scheme
from tests.common import test_response_cache as table

pytestmark = pytest.mark.django_db
serve, world = table.serve, table.world
# Django adds these per answer, the fast path does not (gunicorn adds Date; Vary/Content-Length are stored).
PER_ANSWER = {"X-Cache"}


@pytest.fixture(autouse=True)
def _response_cache_on(settings):
    settings.RESPONSE_CACHE_ENABLED = True


class _Counted:
    """Django's WSGI handler, counting the requests that reach it."""

    def __init__(self) -> None:
        self.handler, self.calls = get_wsgi_application(), 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.handler(environ, start_response)


@pytest.fixture
def app():
    # As Django's test client does: the handler's request signals would close the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield CachedHitApplication(_Counted())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _call(app, path: str = "/", method: str = "GET", **headers) -> tuple[str, dict, bytes]:
    environ = RequestFactory().generic(method, path, **headers).environ
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen.update(status=status, headers=response_headers)

    body = b"".join(app(environ, start_response))
    return seen["status"], dict(seen["headers"]), body


def test_a_current_entry_is_answered_without_django_and_like_the_middleware_hit(app, world, django_assert_num_queries):
    status, miss_headers, miss_body = _call(app)
    assert (status, miss_headers["X-Cache"], app.application.calls) == ("200 OK", "miss", 1)
    _call(app)
    with django_assert_num_queries(0):
        status, headers, body = _call(app)
    assert app.application.calls == 1  # only the miss reached Django
    assert (status, body, headers["X-Cache"]) == ("200 OK", miss_body, "hit")
    assert {k: v for k, v in headers.items() if k not in PER_ANSWER} == {
        k: v for k, v in miss_headers.items() if k not in PER_ANSWER
    }


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("HEAD", {}),
        ("POST", {}),
        ("GET", {"HTTP_IF_NONE_MATCH": '"x"'}),
        ("GET", {"HTTP_IF_MODIFIED_SINCE": "Sat, 05 Dec 2026 00:00:00 GMT"}),
        ("GET", {"HTTP_COOKIE": "sessionid=abc"}),
        ("GET", {"HTTP_COOKIE": "messages=abc"}),
        ("GET", {"HTTP_AUTHORIZATION": "Bearer x"}),
    ],
    ids=["head", "post", "if-none-match", "if-modified-since", "session", "messages", "authorization"],
)
def test_requests_django_must_decide_reach_django(app, world, method, headers):
    _call(app, "/feeds/rss.xml")
    _call(app, "/feeds/rss.xml", method, **headers)
    assert app.application.calls == 2


def test_an_unrelated_cookie_still_gets_the_fast_hit(app, world):
    _call(app)
    _, headers, _ = _call(app, HTTP_COOKIE="theme=dark")
    assert (headers["X-Cache"], app.application.calls) == ("hit", 1)


def test_paths_outside_the_cache_and_a_disabled_cache_reach_django(app, world, settings):
    _call(app, "/healthz")
    _call(app, "/healthz")
    assert app.application.calls == 2
    _call(app)
    settings.RESPONSE_CACHE_ENABLED = False
    _call(app)
    assert app.application.calls == 4


def test_after_new_articles_the_stale_entry_goes_to_django_which_renders_it_again(app, world):
    _call(app)
    content_version_bump(soft=True)
    _, headers, _ = _call(app)
    assert (headers["X-Cache"], app.application.calls) == ("miss", 2)
    assert _call(app)[1]["X-Cache"] == "hit"
    assert app.application.calls == 2


def test_after_a_hard_change_the_new_page_comes_from_django(app, world):
    path = f"/publisher/{world.publisher.slug}/"
    _, _, before = _call(app, path)
    publisher_policy_set(publisher=world.publisher, display_policy="headline")
    _, headers, after = _call(app, path)
    assert (headers["X-Cache"], app.application.calls) == ("miss", 2)
    assert after != before


@pytest.mark.parametrize(
    ("proxy_header", "environ"),
    [
        (None, {"wsgi.url_scheme": "https"}),
        (("HTTP_X_FORWARDED_PROTO", "https"), {"HTTP_X_FORWARDED_PROTO": "https, http"}),
        (("HTTP_X_FORWARDED_PROTO", "https"), {"HTTP_X_FORWARDED_PROTO": "http", "wsgi.url_scheme": "https"}),
        (("HTTP_X_FORWARDED_PROTO", "https"), {"wsgi.url_scheme": "https"}),
    ],
)
def test_the_scheme_of_the_key_is_the_one_django_sees(settings, proxy_header, environ):
    settings.SECURE_PROXY_SSL_HEADER = proxy_header
    meta = {**RequestFactory().get("/").environ, **environ}
    assert request_scheme(meta) == WSGIRequest(meta).scheme
