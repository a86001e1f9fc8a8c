"""Issue 8, defect 5: /metrics needs its token by default once the site is not loopback."""

import pytest
from django.test import Client, override_settings

from newsdesk.common.site_url import site_url_is_loopback
from newsdesk.ingest.views import METRICS_NEED_TOKEN

PUBLIC_SITE = "https://news.example.org"

pytestmark = pytest.mark.django_db


@override_settings(SITE_URL=PUBLIC_SITE, NEWSDESK_METRICS_TOKEN="", NEWSDESK_METRICS_PUBLIC=False)
def test_a_public_site_without_a_token_refuses_metrics_with_the_reason():
    response = Client().get("/metrics")

    assert response.status_code == 403
    assert response.content.decode() == METRICS_NEED_TOKEN
    assert b"newsdesk_" not in response.content


@override_settings(SITE_URL=PUBLIC_SITE, NEWSDESK_METRICS_TOKEN="s3cret", NEWSDESK_METRICS_PUBLIC=False)
def test_a_public_site_with_a_token_serves_metrics_to_its_bearer_only():
    client = Client()

    assert client.get("/metrics").status_code == 401
    answered = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret")
    assert answered.status_code == 200
    assert b"# TYPE" in answered.content


@override_settings(SITE_URL=PUBLIC_SITE, NEWSDESK_METRICS_TOKEN="", NEWSDESK_METRICS_PUBLIC=True)
def test_metrics_can_be_opened_on_purpose():
    response = Client().get("/metrics")

    assert response.status_code == 200
    assert b"# TYPE" in response.content


@override_settings(SITE_URL="http://127.0.0.1:8000", NEWSDESK_METRICS_TOKEN="", NEWSDESK_METRICS_PUBLIC=False)
def test_a_loopback_site_serves_metrics_without_a_token():
    response = Client().get("/metrics")

    assert response.status_code == 200
    assert b"# TYPE" in response.content


@pytest.mark.parametrize(
    ("site_url", "expected"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://127.8.9.1", True),
        ("http://localhost:8000", True),
        ("http://news.localhost", True),
        ("http://[::1]:8000", True),
        ("https://news.example.org", False),
        ("http://10.0.0.5:8000", False),
        ("http://[2001:db8::1]/", False),
        ("http://localhost.example.org", False),
    ],
)
def test_site_url_is_loopback(site_url, expected):
    assert site_url_is_loopback(site_url) is expected


@override_settings(SITE_URL=PUBLIC_SITE, NEWSDESK_METRICS_TOKEN="s3cret", NEWSDESK_METRICS_PUBLIC=False)
def test_head_of_metrics_answers_as_its_get_does_and_other_methods_are_a_405():
    client = Client(enforce_csrf_checks=True)

    assert client.head("/metrics").status_code == 401
    head = client.head("/metrics", HTTP_AUTHORIZATION="Bearer s3cret")
    assert head.status_code == 200
    assert head.content == b""
    assert client.post("/metrics", HTTP_AUTHORIZATION="Bearer s3cret").status_code == 405
