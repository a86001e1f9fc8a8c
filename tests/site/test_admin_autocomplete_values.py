"""A change form posted back with a value its autocomplete field's key cannot hold (a tampered form: a publisher id
past the column's range, or `abc`) is shown again with the form's error, as any refused form is; Django's
AutocompleteSelect looked the value up as it came and the page was a 500."""

import lxml.html
import pytest
from django.contrib.auth import get_user_model

from tests.factories import make_article, make_feed, make_publisher

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-for-tests"))
    return client


@pytest.mark.parametrize("value", ["99999999999999999999", "abc", "-1"])
@pytest.mark.parametrize("page", ["feed", "article"])
def test_a_publisher_the_key_cannot_hold_is_a_form_error_not_a_500(staff_client, page, value):
    publisher = make_publisher(name="Harbour Gazette")
    row = make_feed(publisher) if page == "feed" else make_article(publisher)
    path = f"/admin/{row._meta.app_label}/{page}/{row.pk}/change/"
    data = dict(lxml.html.fromstring(staff_client.get(path).content).get_element_by_id(f"{page}_form").form_values())

    response = staff_client.post(path, {**data, "publisher": value})

    assert response.status_code == 200
    assert "publisher" in response.context["adminform"].form.errors
    row.refresh_from_db()
    assert row.publisher == publisher


def test_a_real_publisher_is_still_shown_selected_when_another_field_is_refused(staff_client):
    publisher = make_publisher(name="Harbour Gazette")
    feed = make_feed(publisher)
    path = f"/admin/sources/feed/{feed.pk}/change/"
    data = dict(lxml.html.fromstring(staff_client.get(path).content).get_element_by_id("feed_form").form_values())

    response = staff_client.post(path, {**data, "url": "not a url"})

    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    assert page.xpath('//select[@name="publisher"]/option[@selected]/text()') == ["Harbour Gazette"]
