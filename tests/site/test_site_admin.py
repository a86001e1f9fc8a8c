import pytest
from django.contrib.auth import get_user_model

from newsdesk.sources.models import Feed
from tests.factories import make_article, make_category, make_feed, make_fetch_attempt, make_publisher


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-for-tests")
    client.force_login(user)
    return client


@pytest.fixture
def admin_rows(db):
    publisher = make_publisher(name="Harbour Gazette")
    feed = make_feed(publisher, url="https://harbour.example/rss.xml", last_error="x" * 500)
    category = make_category("Maritime affairs")
    article = make_article(publisher, feed=feed, category=category, title="Pilot boats return to port")
    attempt = make_fetch_attempt(feed, error="timeout")
    return {"publisher": publisher, "feed": feed, "category": category, "article": article, "attempt": attempt}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/admin/sources/publisher/", ["Harbour Gazette"]),
        ("/admin/sources/feed/", ["https://harbour.example/rss.xml", "Harbour Gazette"]),
        ("/admin/articles/article/", ["Pilot boats return to port", "Harbour Gazette"]),
        ("/admin/articles/category/", ["Maritime affairs"]),
        ("/admin/ingest/fetchattempt/", ["https://harbour.example/rss.xml"]),
    ],
)
def test_admin_changelists_list_their_rows(staff_client, admin_rows, path, expected):
    response = staff_client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    for text in expected:
        assert text in html, (path, text)
    assert response.context["cl"].result_count == 1


def test_admin_change_pages_show_the_object_being_edited(staff_client, admin_rows):
    expected = [
        ("publisher", "sources/publisher", 'value="Harbour Gazette"'),
        ("feed", "sources/feed", 'value="https://harbour.example/rss.xml"'),
        ("article", "articles/article", 'value="Pilot boats return to port"'),
        ("attempt", "ingest/fetchattempt", "timeout"),
    ]
    for row, model_path, needle in expected:
        path = f"/admin/{model_path}/{admin_rows[row].pk}/change/"
        response = staff_client.get(path)
        assert response.status_code == 200, path
        assert response.context["original"] == admin_rows[row], path
        assert needle in response.content.decode(), path


def test_check_now_action_schedules_feeds_immediately(staff_client):
    feed = make_feed(make_publisher())

    response = staff_client.post(
        "/admin/sources/feed/", {"action": "check_now", "_selected_action": [feed.pk]}, follow=True
    )

    assert response.status_code == 200
    assert response.redirect_chain, "the action answers with a redirect back to the changelist"
    assert Feed.objects.get(pk=feed.pk).next_check_at is not None
    assert "1 feed scheduled for checking now." in response.content.decode()


def test_check_now_counts_several_feeds_in_the_plural(staff_client):
    feeds = [make_feed(make_publisher()) for _ in range(2)]

    response = staff_client.post(
        "/admin/sources/feed/", {"action": "check_now", "_selected_action": [f.pk for f in feeds]}, follow=True
    )

    assert "2 feeds scheduled for checking now." in response.content.decode()


def test_fetch_log_is_read_only(staff_client):
    attempt = make_fetch_attempt(make_feed(make_publisher()))

    assert staff_client.get("/admin/ingest/fetchattempt/add/").status_code == 403
    assert staff_client.post(f"/admin/ingest/fetchattempt/{attempt.pk}/delete/").status_code == 403
