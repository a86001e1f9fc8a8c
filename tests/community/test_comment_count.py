"""The comment section's count: for a visitor it is the number of comments just read (they see approved ones
only), so the page needs no second query; a signed-in reader, who also sees their own waiting comments, gets the
approved count all the same."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsdesk.community.models import Comment
from newsdesk.community.selectors import comment_count, comment_threads_and_count
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


def test_a_visitor_gets_the_approved_count_from_the_comments_read_in_one_query(article, comments):
    with CaptureQueriesContext(connection) as captured:
        threads, count = comment_threads_and_count(target=article, viewer=None)
    assert len(captured) == 1
    assert count == comment_count(target=article) == 3
    assert [(thread.comment.pk, len(thread.replies)) for thread in threads] == [(comments.pk, 1)]


def test_a_signed_in_reader_sees_their_waiting_comment_and_the_approved_count(article, reader, comments):
    threads, count = comment_threads_and_count(target=article, viewer=reader)
    assert count == 3
    assert len(threads) == 2  # the approved thread and their own waiting comment


def test_the_article_page_shows_the_count_to_visitors(client, article, comments):
    page = client.get(f"/article/{article.pk}/").content.decode()
    assert '<span class="count">(3)</span>' in page
