import pytest
from django.contrib.auth import get_user_model

from newsdesk.sources.models import Feed
from tests.factories import make_article, make_category, make_feed, make_fetch_attempt, make_publisher


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-for-tests")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/admin/sources/publisher/",
        "/admin/sources/feed/",
        "/admin/articles/article/",
        "/admin/articles/category/",
        "/admin/ingest/fetchattempt/",
    ],
)
def test_admin_changelists_render(staff_client, path):
    publisher = make_publisher()
    feed = make_feed(publisher, last_error="x" * 500)
    make_article(publisher, feed=feed, category=make_category())
    make_fetch_attempt(feed, error="timeout")

    assert staff_client.get(path).status_code == 200


def test_admin_change_pages_render(staff_client):
    publisher = make_publisher()
    feed = make_feed(publisher)
    article = make_article(publisher, feed=feed)
    attempt = make_fetch_attempt(feed)

    for path in (
        f"/admin/sources/publisher/{publisher.pk}/change/",
        f"/admin/sources/feed/{feed.pk}/change/",
        f"/admin/articles/article/{article.pk}/change/",
        f"/admin/ingest/fetchattempt/{attempt.pk}/change/",
    ):
        assert staff_client.get(path).status_code == 200, path


def test_check_now_action_schedules_feeds_immediately(staff_client):
    feed = make_feed(make_publisher())

    response = staff_client.post(
        "/admin/sources/feed/", {"action": "check_now", "_selected_action": [feed.pk]}, follow=True
    )

    assert response.status_code == 200
    assert Feed.objects.get(pk=feed.pk).next_check_at is not None


def test_fetch_log_is_read_only(staff_client):
    attempt = make_fetch_attempt(make_feed(make_publisher()))

    assert staff_client.get("/admin/ingest/fetchattempt/add/").status_code == 403
    assert staff_client.post(f"/admin/ingest/fetchattempt/{attempt.pk}/delete/").status_code == 403
