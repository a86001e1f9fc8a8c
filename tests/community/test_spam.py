"""Anti-spam: honeypot, timing, link limit, rate limit and duplicate text, each refused with its message."""

from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from newsdesk.community import services, spam
from newsdesk.community.models import Comment
from tests.community.conftest import make_member

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def refused(**kwargs) -> str:
    with pytest.raises(services.CommentRefused) as refusal:
        services.comment_create(**kwargs)
    return str(refusal.value)


def test_a_filled_honeypot_is_refused(article, reader):
    assert (
        refused(author=reader, target=article, body="Buy now", honeypot="http://spam.example") == spam.HONEYPOT_FILLED
    )
    assert not Comment.objects.exists()


def test_a_form_posted_faster_than_a_person_types_is_refused(article, reader, settings):
    settings.COMMUNITY_MIN_COMPOSE_SECONDS = 3

    message = refused(author=reader, target=article, body="Instant", started_token=spam.form_started_token())

    assert message == spam.TOO_FAST


def test_a_form_open_long_enough_is_accepted(article, reader, settings):
    settings.COMMUNITY_MIN_COMPOSE_SECONDS = 3
    started = signing.dumps((timezone.now() - timedelta(seconds=10)).timestamp(), salt=spam._STARTED_SALT)

    comment = services.comment_create(author=reader, target=article, body="Considered", started_token=started)

    assert comment.pk is not None


@pytest.mark.parametrize("token", ["", "forged", signing.dumps(1.0, salt="other-salt")])
def test_a_missing_or_forged_form_timestamp_is_refused(article, reader, token):
    assert refused(author=reader, target=article, body="Hi", started_token=token) == spam.FORM_EXPIRED


@pytest.mark.parametrize(
    ("body", "accepted"),
    [
        ("one https://a.example and [two](https://b.example)", True),
        ("https://a.example https://b.example www.c.example", False),
        ("[a](http://a.example) [b](http://b.example) [c](http://c.example)", False),
        ("no links at all", True),
    ],
)
def test_at_most_two_links(article, reader, body, accepted):
    if accepted:
        assert services.comment_create(author=reader, target=article, body=body).pk
    else:
        assert refused(author=reader, target=article, body=body) == spam.TOO_MANY_LINKS.format(limit=2, s="s")


def test_the_sixth_comment_in_ten_minutes_is_refused(article, reader):
    for n in range(5):
        services.comment_create(author=reader, target=article, body=f"comment number {n}")

    assert refused(author=reader, target=article, body="one more") == spam.RATE_LIMITED.format(count=5, minutes=10)


def test_the_rate_limit_forgets_old_comments(article, reader):
    for n in range(5):
        services.comment_create(author=reader, target=article, body=f"comment number {n}")
    Comment.objects.update(created_at=timezone.now() - timedelta(minutes=11))

    assert services.comment_create(author=reader, target=article, body="later").pk


def test_the_same_text_twice_is_refused_whatever_the_spacing_and_case(article, reader):
    services.comment_create(author=reader, target=article, body="Great   article!")

    assert refused(author=reader, target=article, body="great article!") == spam.DUPLICATE_TEXT


def test_another_member_pasting_the_same_text_the_same_day_is_refused(article, reader):
    services.comment_create(author=reader, target=article, body="Visit my shop for deals")

    assert refused(author=make_member(), target=article, body="Visit  my shop for deals") == spam.DUPLICATE_TEXT


def test_empty_and_overlong_comments_are_refused(article, reader, settings):
    assert refused(author=reader, target=article, body="   ") == services.EMPTY
    message = refused(author=reader, target=article, body="x" * (settings.COMMUNITY_MAX_LENGTH + 1))
    assert message == services.TOO_LONG.format(limit=settings.COMMUNITY_MAX_LENGTH)


def test_unverified_and_banned_members_cannot_post(article, moderator):
    unverified = make_member(verified=False)
    assert refused(author=unverified, target=article, body="hello") == services.NOT_VERIFIED

    banned = make_member()
    services.members_ban(users=type(banned).objects.filter(pk=banned.pk), moderator=moderator)
    assert refused(author=banned, target=article, body="hello") == services.BANNED


def test_a_refused_post_through_the_page_keeps_the_text_and_says_why(article, reader):
    from django.test import Client

    client = Client()
    client.force_login(reader)
    typed = "Look: https://a.example https://b.example https://c.example"

    response = client.post(
        f"/comments/articles.article/{article.pk}/post/",
        {"body": typed, "started": spam.form_started_token(), "website": ""},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert spam.TOO_MANY_LINKS.format(limit=2, s="s") in page
    assert "Look: https://a.example https://b.example https://c.example</textarea>" in page
