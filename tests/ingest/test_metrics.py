import pytest
from django.test import Client, override_settings

from tests.factories import make_article, make_feed, make_fetch_attempt, make_publisher

pytestmark = pytest.mark.django_db


def test_metrics_report_fetch_outcomes_articles_and_queue_lag():
    publisher = make_publisher()
    feed = make_feed(publisher)
    make_fetch_attempt(feed, outcome="ok", items_new=3)
    make_fetch_attempt(feed, outcome="error", status_code=500)
    make_article(publisher)
    body = Client().get("/metrics").content.decode()
    assert 'newsdesk_feed_fetches_total{outcome="ok"} 1.0' in body
    assert 'newsdesk_feed_fetches_total{outcome="error"} 1.0' in body
    assert 'newsdesk_articles_ingested_total{kind="new"} 3.0' in body
    assert "newsdesk_articles 1.0" in body
    assert "newsdesk_queue_lag_seconds" in body


@override_settings(NEWSDESK_METRICS_TOKEN="s3cret")
def test_metrics_token_is_required_when_configured():
    client = Client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret").status_code == 200
