"""An admin action posted with ids the list's key cannot hold (a tampered form: `abc`, an empty id, a number past
the column's range) is a 400, on our lists and on the ones other apps register alike; Django's admin filtered by
them as they came and answered a 500. Real ids, and ids of rows deleted meanwhile, still work as before."""

import pytest
from django.contrib.auth import get_user_model

from newsdesk.sources.models import Feed
from tests.factories import make_feed, make_publisher

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-for-tests")
    client.force_login(user)
    return client


def _act(client, path: str, action: str, ids: list[str]):
    return client.post(path, {"action": action, "_selected_action": ids, "index": "0"})


@pytest.mark.parametrize("ids", [["abc"], [""], ["1.5"], ["99999999999999999999999"], ["1", "x"]])
@pytest.mark.parametrize(
    ("path", "action"),
    [
        ("/admin/sources/feed/", "check_now"),
        ("/admin/sources/publisher/", "delete_selected"),
        ("/admin/auth/user/", "delete_selected"),
    ],
)
def test_an_action_on_ids_the_list_cannot_hold_is_a_400(staff_client, path, action, ids):
    make_feed(make_publisher())

    response = _act(staff_client, path, action, ids)

    assert response.status_code == 400
    assert Feed.objects.count() == 1


def test_an_action_on_real_ids_and_on_a_row_deleted_meanwhile_still_runs(staff_client):
    feed = make_feed(make_publisher())

    response = _act(staff_client, "/admin/sources/feed/", "check_now", [str(feed.pk), str(feed.pk + 1000)])

    assert response.status_code == 302
    assert response["Location"] == "/admin/sources/feed/"
    assert "1 feed" in next(str(m) for m in response.wsgi_request._messages)


def test_the_list_itself_still_answers(staff_client):
    make_feed(make_publisher())

    assert staff_client.get("/admin/sources/feed/").status_code == 200
    assert staff_client.post("/admin/sources/feed/", {"action": "check_now", "index": "0"}).status_code == 302
