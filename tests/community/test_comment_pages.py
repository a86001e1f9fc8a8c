"""Posting, replying, editing and reporting comments through the pages, as a reader does."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from newsdesk.community import services
from newsdesk.community.models import Comment, Member
from newsdesk.community.spam import form_started_token
from newsdesk.community.views.comments import POSTED, POSTED_PENDING

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def post_url(article) -> str:
    return f"/comments/articles.article/{article.pk}/post/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, article, body: str, **extra):
    data = {"body": body, "started": form_started_token(), "website": "", **extra}
    return client.post(post_url(article), data, follow=True)


def test_article_page_ends_with_leave_a_comment_and_a_sign_in_link_for_visitors(article):
    page = Client().get(article.get_absolute_url()).content.decode()

    assert "Leave a comment" in page
    assert "/accounts/login/?next=" in page
    assert 'name="body"' not in page
    assert page.index("Leave a comment") > page.index("attribution")


def test_a_new_members_comment_waits_for_moderation_and_only_they_see_it(article, reader):
    response = post(signed_in(reader), article, "First! *Nice* harbour.")

    assert response.status_code == 200
    assert POSTED_PENDING in response.content.decode()
    assert "<em>Nice</em>" in response.content.decode()
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert "Nice" not in Client().get(article.get_absolute_url()).content.decode()


def test_a_trusted_members_comment_shows_at_once_to_everyone(article, trusted_reader):
    response = post(signed_in(trusted_reader), article, "Good to see it **open** again.")

    assert POSTED in response.content.decode()
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "<strong>open</strong>" in page
    assert 'Comments <span class="count">(1)</span>' in page


def test_a_reply_to_a_reply_joins_the_thread_one_level_deep(article, trusted_reader, reader):
    top = services.comment_create(author=trusted_reader, target=article, body="Top level")
    reply = services.comment_create(author=trusted_reader, target=article, body="A reply", parent=top)

    post(signed_in(trusted_reader), article, "Reply to the reply", parent=str(reply.pk))

    nested = Comment.objects.get(body="Reply to the reply")
    assert nested.parent_id == top.pk
    assert reply.parent_id == top.pk


def test_the_author_can_edit_within_the_window_but_not_after(article, trusted_reader, settings):
    comment = services.comment_create(author=trusted_reader, target=article, body="Teh harbour")
    client = signed_in(trusted_reader)

    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "The harbour"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "The harbour"
    assert comment.edited_at is not None

    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "The harbour, again"})
    assert response.status_code == 400
    assert services.EDIT_WINDOW_OVER.format(minutes=15) in response.content.decode()
    assert "The harbour, again" in response.content.decode()  # nothing typed is lost


def test_only_the_author_may_edit(article, trusted_reader, reader):
    comment = services.comment_create(author=trusted_reader, target=article, body="Mine")

    response = signed_in(reader).post(f"/comments/{comment.pk}/edit/", {"body": "Hijacked"})

    assert response.status_code == 404
    comment.refresh_from_db()
    assert comment.body == "Mine"


def test_three_reports_take_a_comment_off_the_page_until_a_moderator_looks(article, trusted_reader):
    from tests.community.conftest import make_member

    comment = services.comment_create(author=trusted_reader, target=article, body="Something rude")
    for _ in range(3):
        response = signed_in(make_member()).post(f"/comments/{comment.pk}/report/", {"reason": "rude"})
        assert response.status_code == 302

    comment.refresh_from_db()
    assert comment.report_count == 3
    assert comment.status == Comment.Status.PENDING
    assert "Something rude" not in Client().get(article.get_absolute_url()).content.decode()


def test_reporting_twice_is_refused_with_a_message(article, trusted_reader, reader):
    comment = services.comment_create(author=trusted_reader, target=article, body="Hmm")
    client = signed_in(reader)
    client.post(f"/comments/{comment.pk}/report/", {"reason": ""})

    response = client.post(f"/comments/{comment.pk}/report/", {"reason": "again"})

    assert response.status_code == 400
    assert services.ALREADY_REPORTED in response.content.decode()


def test_posting_needs_a_signed_in_reader(article):
    response = Client().post(post_url(article), {"body": "anonymous"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Comment.objects.exists()


def test_unknown_targets_are_404(reader):
    client = signed_in(reader)

    assert client.post("/comments/auth.user/1/post/", {"body": "x"}).status_code == 404
    assert client.post("/comments/articles.article/999999/post/", {"body": "x"}).status_code == 404
    assert Client().get("/comments/articles.article/999999/feed.atom").status_code == 404


def test_the_comments_feed_lists_approved_comments_only(article, trusted_reader, reader):
    services.comment_create(author=trusted_reader, target=article, body="Visible *one*")
    services.comment_create(author=reader, target=article, body="Still waiting")

    response = Client().get(f"/comments/articles.article/{article.pk}/feed.atom")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert f"<title>{trusted_reader.member.display_name}: Visible one</title>" in body
    assert "&lt;em&gt;one&lt;/em&gt;" in body
    assert "Still waiting" not in body


def test_a_stored_name_with_a_direction_override_cannot_turn_the_feeds_title_around(article, trusted_reader):
    # A name stored before sign-up refused hidden characters: in the feed's plain-text title no <bdi> isolates it,
    # and an unclosed U+202E would show the rest of the title, the comment, backwards.
    Member.objects.filter(user=trusted_reader).update(display_name="Eve\u202e\u200b")
    services.comment_create(author=trusted_reader, target=article, body="Fine piece")

    body = Client().get(f"/comments/articles.article/{article.pk}/feed.atom").content.decode()

    assert "<title>Eve: Fine piece</title>" in body
    assert "<name>Eve</name>" in body
    assert "\u202e" not in body
    assert "\u200b" not in body


def test_signed_in_pages_are_private_to_shared_caches(article, reader):
    response = signed_in(reader).get(post_url(article))

    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_a_signed_in_readers_article_page_is_private_and_an_anonymous_one_is_not(article, reader):
    mine = signed_in(reader).get(article.get_absolute_url())
    public = Client().get(article.get_absolute_url())

    assert "private" in mine["Cache-Control"]
    assert "no-store" in mine["Cache-Control"]
    assert "private" not in public.get("Cache-Control", "")
    assert "csrfmiddlewaretoken" not in public.content.decode()
