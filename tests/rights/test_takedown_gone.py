"""An article a takedown removed is gone for good, and its addresses say so: its page answers 410 Gone with the
reason (search engines drop a 410 at once; a 404 reads as "maybe mistyped, try later"), as its API item, its comments
feed and its comment form do; an id that never held an article stays 404."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from newsdesk.api.responses import ERROR_NOT_FOUND
from newsdesk.community.models import Comment
from newsdesk.rights.selectors import REMOVED_BY_TAKEDOWN
from tests.factories import make_article, make_publisher
from tests.rights.removal import operator_takedown

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def removed():
    publisher = make_publisher(homepage="https://daily.example/")
    article = make_article(publisher, title="Zeppelin lands", canonical_url="https://daily.example/news/zeppelin")
    kept = make_article(publisher, title="Harbour reopens")
    assert operator_takedown("https://daily.example/news/zeppelin") == 1
    return article.pk, kept.pk


def test_a_removed_articles_page_answers_410_gone_with_the_reason(client, removed):
    removed_id, _ = removed

    response = client.get(f"/article/{removed_id}/")

    page = response.content.decode()
    assert response.status_code == 410
    assert REMOVED_BY_TAKEDOWN in page
    assert "Zeppelin" not in page
    assert '<meta name="robots" content="noindex">' in page


def test_a_removed_articles_api_item_answers_410(client, removed):
    removed_id, _ = removed

    item = client.get(f"/api/articles/{removed_id}")

    assert item.status_code == 410
    assert json.loads(item.content) == {"error": REMOVED_BY_TAKEDOWN}


def test_an_id_that_never_held_an_article_and_a_kept_article_are_unchanged(client, removed):
    removed_id, kept_id = removed
    never = removed_id + kept_id + 100

    assert client.get(f"/article/{never}/").status_code == 404
    assert json.loads(client.get(f"/api/articles/{never}").content) == {"error": ERROR_NOT_FOUND}
    assert client.get(f"/article/{kept_id}/").status_code == 200


def test_a_removed_articles_comments_feed_answers_410_with_the_reason(client, removed):
    removed_id, kept_id = removed

    feed = client.get(f"/comments/articles.article/{removed_id}/feed.atom")

    assert feed.status_code == 410
    assert REMOVED_BY_TAKEDOWN in feed.content.decode()
    assert client.get(f"/comments/articles.article/{kept_id}/feed.atom").status_code == 200
    assert client.get(f"/comments/articles.article/{removed_id + kept_id + 100}/feed.atom").status_code == 404


def test_a_removed_articles_comment_form_answers_410_and_takes_nothing(removed):
    removed_id, kept_id = removed
    reader = Client()
    reader.force_login(get_user_model().objects.create_user(username="ann", password="a-long-enough-password-7"))
    post_url = f"/comments/articles.article/{removed_id}/post/"

    form = reader.get(post_url)
    posted = reader.post(post_url, {"body": "Where did it go?", "started": "", "website": ""})

    assert form.status_code == posted.status_code == 410
    assert REMOVED_BY_TAKEDOWN in posted.content.decode()
    assert not Comment.objects.exists()
    assert reader.get(f"/comments/articles.article/{removed_id + kept_id + 100}/post/").status_code == 404
