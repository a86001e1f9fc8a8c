"""Issue 10: /healthz and /readyz for supervisors, and a 503 (JSON on the API, a small page elsewhere) while the
database is away. The outage is a view raising the driver's error, as a dead connection does."""

import json

import pytest
from django.core.management.base import CommandError
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import path

from newsdesk.common import health

pytestmark = pytest.mark.django_db


def _database_gone(request):
    raise OperationalError("terminating connection due to administrator command")


def _bug(request):
    raise ValueError("a bug")


def _fine(request):
    return HttpResponse("fine")


urlpatterns = [
    path("api/articles", _database_gone),
    path("api/bug", _bug),
    path("news", _database_gone),
    path("bug", _bug),
    path("", _fine),
]
handler500 = "newsdesk.common.health.server_error"
OUTAGE = override_settings(ROOT_URLCONF=__name__, DEBUG=False)


@OUTAGE
def test_a_page_answers_503_with_a_small_page_while_the_database_is_away():
    response = Client().get("/news")

    assert response.status_code == 503
    assert response["Retry-After"] == str(health.RETRY_AFTER_S)
    assert b"Back shortly" in response.content
    assert "Traceback" not in response.content.decode()


@OUTAGE
def test_the_api_answers_503_in_json_while_the_database_is_away():
    response = Client().get("/api/articles")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"error": health.API_UNAVAILABLE}


@OUTAGE
def test_other_errors_stay_500():
    assert Client(raise_request_exception=False).get("/bug").status_code == 500


@OUTAGE
def test_an_api_bug_is_a_500_in_json_like_every_other_api_error():
    # A bad `since` once reached the database and failed there: the API answered with the site's HTML 500 page.
    response = Client(raise_request_exception=False).get("/api/bug")

    assert response.status_code == 500
    assert json.loads(response.content) == {"error": health.API_SERVER_ERROR}


def test_the_500_handler_answers_503_for_an_outage_met_outside_a_view():
    request = RequestFactory().get("/api/stories")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = health.server_error(request)
    assert response.status_code == 503
    assert json.loads(response.content) == {"error": health.API_UNAVAILABLE}


@override_settings(ALLOWED_HOSTS=["news.example.org"], SECURE_SSL_REDIRECT=True)
def test_probes_are_answered_by_ip_over_plain_http():
    client = Client(HTTP_HOST="10.0.0.7")

    assert client.get("/healthz").content == b"ok\n"
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.content == b"ready\n"


def test_readyz_fails_while_the_database_is_unreachable_and_healthz_does_not_care(monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection failed: Connection refused")

    monkeypatch.setattr(health, "require_migrated", unreachable)
    client = Client()

    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.content.decode() == "not ready: OperationalError: connection failed: Connection refused\n"
    assert client.get("/healthz").status_code == 200


def test_readyz_fails_while_migrations_are_not_applied(monkeypatch):
    def behind(*args, **kwargs):
        raise CommandError("the database at x is not set up or not up to date: run `newsdesk migrate` first")

    monkeypatch.setattr(health, "require_migrated", behind)
    ready = Client().get("/readyz")
    assert ready.status_code == 503
    assert "run `newsdesk migrate` first" in ready.content.decode()
