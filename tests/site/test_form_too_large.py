"""A form sent with more than Django reads of one (DATA_UPLOAD_MAX_MEMORY_SIZE: megabytes pasted into a comment or
a takedown notice) gets the site's page saying what went wrong and what to do, as a 413 — it was the 400 page with
an empty message. Other bad requests still tell nothing."""

import pytest
from django.test import Client

from newsdesk.site.views.errors import FORM_TOO_LARGE
from tests.community.conftest import make_member
from tests.factories import make_article, make_publisher

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # Django's default is 2.5 MB
    settings.COMMUNITY_MIN_COMPOSE_SECONDS = 0


def test_a_comment_too_large_to_read_is_a_413_saying_so():
    article = make_article(make_publisher())
    reader = Client()
    reader.force_login(make_member())

    response = reader.post(f"/comments/articles.article/{article.pk}/post/", {"body": "x" * (3 * 1024 * 1024)})

    page = response.content.decode()
    assert response.status_code == 413
    assert FORM_TOO_LARGE.format(megabytes=2) in page
    assert "more than 2.0 MB" in page
    assert 'class="site-header"' in page


def test_a_takedown_notice_too_large_to_read_is_a_413_saying_so():
    response = Client().post("/rights/takedown", {"work": "x" * (3 * 1024 * 1024)})

    assert response.status_code == 413
    assert FORM_TOO_LARGE.format(megabytes=2) in response.content.decode()


def test_another_bad_request_tells_nothing_of_it():
    response = Client().get("/", HTTP_HOST="not-allowed.example")

    page = response.content.decode()
    assert response.status_code == 400
    assert "This request could not be answered." in page
    assert "not-allowed" not in page
