"""The search page's filter controls (language, publisher, category, published window, order): server-rendered,
keeping what was typed, and a bad value is one clear message with a 400, never a 500."""

from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.articles.models import Category
from tests.factories import make_article, make_publisher

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

BASE = datetime(2026, 11, 20, 12, tzinfo=UTC)


@pytest.fixture
def desk():
    gazette, courier = make_publisher(name="Gazette", slug="gazette"), make_publisher(name="Courier", slug="courier")
    politics = Category.objects.create(name="Politics", slug="politics")
    old = make_article(gazette, title="Harbour vote old", published_at=BASE - timedelta(days=10))
    old.category = politics
    old.save()
    make_article(gazette, title="Harbour vote recent", published_at=BASE)
    make_article(courier, title="Harbour vote elsewhere", published_at=BASE - timedelta(days=1), language="fr")
    return politics


def page(client, **params):
    response = client.get("/search/", {"q": "harbour", **params})
    return response.status_code, response.content.decode()


def headlines(html: str) -> list[str]:
    return [line for line in ("Harbour vote old", "Harbour vote recent", "Harbour vote elsewhere") if line in html]


def test_every_control_is_rendered_with_the_choices(client, desk):
    status, html = page(client)

    assert status == 200
    for name in ("q", "lang", "publisher", "category", "since", "until", "order"):
        assert f'name="{name}"' in html
    assert '<option value="gazette">Gazette</option>' in html
    assert '<option value="politics">Politics</option>' in html
    assert '<option value="date">Newest first</option>' in html
    assert len(headlines(html)) == 3


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"publisher": "gazette"}, ["Harbour vote old", "Harbour vote recent"]),
        ({"category": "politics"}, ["Harbour vote old"]),
        ({"lang": "fr"}, ["Harbour vote elsewhere"]),
        ({"since": "2026-11-15"}, ["Harbour vote recent", "Harbour vote elsewhere"]),
        ({"until": "2026-11-20"}, ["Harbour vote old", "Harbour vote elsewhere"]),
        ({"since": "2026-11-15", "until": "2026-11-20T00:00:00Z"}, ["Harbour vote elsewhere"]),
    ],
)
def test_each_filter_narrows_the_results(client, desk, params, expected):
    status, html = page(client, **params)

    assert status == 200
    assert headlines(html) == expected


def test_the_controls_keep_what_was_chosen(client, desk):
    _, html = page(client, publisher="gazette", category="politics", since="2026-11-01", order="date")

    assert 'value="harbour"' in html
    assert '<option value="gazette" selected>Gazette</option>' in html
    assert '<option value="politics" selected>Politics</option>' in html
    assert 'name="since" value="2026-11-01"' in html
    assert '<option value="date" selected>Newest first</option>' in html


def test_newest_first_orders_by_date(client, desk):
    _, html = page(client, order="date")

    found = sorted(headlines(html), key=html.index)
    assert found == ["Harbour vote recent", "Harbour vote elsewhere", "Harbour vote old"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"publisher": "nobody"}, "publisher must be the slug of a known publisher"),
        ({"category": "x" * 500}, "category must be the slug of a known category"),
        ({"since": "yesterday"}, "since must be an ISO 8601 date or date-time"),
        ({"until": "2026-13-45"}, "until must be an ISO 8601 date or date-time"),
        ({"since": "0001-01-01T00:00:00+14:00"}, "since must be an ISO 8601 date or date-time"),  # before year 1 in UTC
        ({"since": "2026-11-20", "until": "2026-11-01"}, "since must be earlier than until"),
        ({"lang": "english!"}, "lang must be a language code"),
        ({"order": "random"}, "order must be relevance or date"),
    ],
)
def test_a_bad_value_is_one_clear_message_and_the_query_is_kept(client, desk, params, message):
    status, html = page(client, **params)

    assert status == 400
    assert message in html
    assert 'value="harbour"' in html
    assert headlines(html) == []
