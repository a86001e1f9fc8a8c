"""The comment section's heading counts the comments it shows its viewer, read in one query: a visitor sees the
approved ones (a reply under a hidden parent is not shown, so not counted); a member who just posted also sees their
own comment waiting for moderation, and the heading says so instead of counting 0 above it."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from newsdesk.community.models import Comment
from newsdesk.community.selectors import comments_shown
from tests.community.conftest import make_member

pytestmark = pytest.mark.django_db


def _comment(article, author, status: str, parent: Comment | None = None) -> Comment:
    return Comment.objects.create(
        target_type=ContentType.objects.get_for_model(article),
        target_id=article.pk,
        author=author,
        parent=parent,
        body="Tide",
        body_html="<p>Tide</p>",
        body_fingerprint=f"{status}-{parent.pk if parent else 0}-{Comment.objects.count()}",
        status=status,
    )


@pytest.fixture
def comments(article, reader):
    other = make_member()
    approved = _comment(article, other, Comment.Status.APPROVED)
    _comment(article, other, Comment.Status.APPROVED, parent=approved)
    hidden = _comment(article, other, Comment.Status.REJECTED)
    _comment(article, other, Comment.Status.APPROVED, parent=hidden)  # approved, under a hidden parent: not shown
    _comment(article, reader, Comment.Status.PENDING)
    return approved


def test_a_visitor_gets_the_count_of_the_comments_shown_from_one_query(article, comments):
    with CaptureQueriesContext(connection) as captured:
        shown = comments_shown(target=article, viewer=None)
    assert len(captured) == 1
    assert (shown.count, shown.awaiting) == (2, 0)  # the approved reply under a rejected parent is not shown
    assert [(thread.comment.pk, len(thread.replies)) for thread in shown.threads] == [(comments.pk, 1)]


def test_a_signed_in_reader_gets_their_waiting_comment_counted_and_said_to_be_waiting(article, reader, comments):
    with CaptureQueriesContext(connection) as captured:
        shown = comments_shown(target=article, viewer=reader)
    assert len(captured) == 1
    assert (shown.count, shown.awaiting) == (3, 1)
    assert len(shown.threads) == 2  # the approved thread and their own waiting comment


def test_the_article_page_shows_visitors_the_count_of_what_they_see(client, article, comments):
    page = client.get(f"/article/{article.pk}/").content.decode()
    assert 'Comments <span class="count">(2)</span>' in page


def test_a_member_whose_only_comment_waits_sees_it_counted_not_comments_0(client, article, reader):
    _comment(article, reader, Comment.Status.PENDING)
    client.force_login(reader)

    mine = client.get(f"/article/{article.pk}/").content.decode()
    public = Client().get(f"/article/{article.pk}/").content.decode()

    assert 'Comments <span class="count">(1, 1 awaiting moderation)</span>' in mine
    assert "Waiting for moderation" in mine
    assert "(0)" not in mine
    assert '<h2 id="comments-heading">Comments</h2>' in public
    assert "No comments yet." in public
