"""The moderation queue in the admin: new members pre-moderated; approve, reject and ban, also in bulk."""

import html

import pytest
from django.test import Client

from newsdesk.community import forms, services
from newsdesk.community.models import Comment, Member
from newsdesk.community.selectors import moderation_queue, moderation_queue_summary
from tests.community.conftest import make_member

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

CHANGELIST = "/admin/community/comment/"


def admin_client(moderator) -> Client:
    client = Client()
    client.force_login(moderator)
    return client


def bulk(client: Client, action: str, comments) -> object:
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [c.pk for c in comments], "index": 0}, follow=True
    )


def test_the_queue_opens_on_what_needs_a_moderator(article, moderator, reader, trusted_reader):
    waiting = services.comment_create(author=reader, target=article, body="Waiting here")
    services.comment_create(author=trusted_reader, target=article, body="Already fine")

    page = admin_client(moderator).get(CHANGELIST).content.decode()

    assert "Waiting here" in page
    assert "Already fine" not in page
    assert list(moderation_queue()) == [waiting]
    assert moderation_queue_summary()["waiting"] == 1


def test_bulk_approve_shows_the_comments_and_trusts_their_authors(article, moderator):
    authors = [make_member() for _ in range(3)]
    comments = [services.comment_create(author=a, target=article, body=f"Comment {n}") for n, a in enumerate(authors)]

    response = bulk(admin_client(moderator), "approve", comments)

    assert "3 comments approved." in response.content.decode()
    assert set(Comment.objects.values_list("status", flat=True)) == {Comment.Status.APPROVED}
    assert Member.objects.filter(user__in=authors, is_trusted=True).count() == 3
    page = Client().get(article.get_absolute_url()).content.decode()
    assert all(f"Comment {n}" in page for n in range(3))
    # Trusted now: their next comment shows without waiting.
    assert services.comment_create(author=authors[0], target=article, body="Next").status == Comment.Status.APPROVED


def test_bulk_reject_keeps_them_off_the_page(article, moderator, reader):
    comments = [services.comment_create(author=reader, target=article, body=f"Spam {n}") for n in range(2)]

    bulk(admin_client(moderator), "reject", comments)

    assert set(Comment.objects.values_list("status", flat=True)) == {Comment.Status.REJECTED}
    assert not moderation_queue().exists()


def test_banning_from_the_queue_rejects_every_comment_of_the_author(article, moderator, trusted_reader):
    shown = services.comment_create(author=trusted_reader, target=article, body="Earlier, approved")
    Member.objects.filter(user=trusted_reader).update(is_trusted=False)
    waiting = services.comment_create(author=trusted_reader, target=article, body="Abusive")

    response = bulk(admin_client(moderator), "ban_authors", [waiting])

    assert "1 member banned." in response.content.decode()
    shown.refresh_from_db()
    assert shown.status == Comment.Status.REJECTED
    assert Member.objects.get(user=trusted_reader).is_banned
    assert "Earlier, approved" not in Client().get(article.get_absolute_url()).content.decode()


def test_members_list_bans_and_lifts_bans(moderator, reader):
    client = admin_client(moderator)
    member = Member.objects.get(user=reader)

    client.post("/admin/community/member/", {"action": "ban", "_selected_action": [member.pk], "index": 0})
    member.refresh_from_db()
    assert member.is_banned

    client.post("/admin/community/member/", {"action": "unban", "_selected_action": [member.pk], "index": 0})
    member.refresh_from_db()
    assert not member.is_banned


def test_approving_a_reported_comment_clears_its_reports(article, moderator, trusted_reader, reader):
    comment = services.comment_create(author=trusted_reader, target=article, body="Contested")
    services.comment_report(comment=comment, reporter=reader, reason="I disagree")
    assert list(moderation_queue()) == [comment]

    services.comments_approve(comments=Comment.objects.filter(pk=comment.pk), moderator=moderator)

    comment.refresh_from_db()
    assert comment.report_count == 0
    assert not moderation_queue().exists()


def test_the_comment_change_page_shows_reports(article, moderator, trusted_reader, reader):
    comment = services.comment_create(author=trusted_reader, target=article, body="Contested")
    services.comment_report(comment=comment, reporter=reader, reason="off-topic rant")

    page = admin_client(moderator).get(f"{CHANGELIST}{comment.pk}/change/").content.decode()

    assert "off-topic rant" in page


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("\u202eevil", None),  # the direction override sign-up refuses
        ("Ada\u200bL.", None),
        ("  \u0645\u0631\u06cc\u200c\u0645  ", "\u0645\u0631\u06cc\u200c\u0645"),  # a Persian name keeps its ZWNJ
    ],
)
def test_the_member_admin_checks_a_display_name_as_sign_up_does(moderator, reader, name, kept):
    member = Member.objects.get(user=reader)
    before = member.display_name

    response = admin_client(moderator).post(
        f"/admin/community/member/{member.pk}/change/", {"display_name": name, "ban_reason": ""}
    )

    member.refresh_from_db()
    if kept is None:
        assert response.status_code == 200
        assert member.display_name == before
        assert html.escape(forms.NAME_HIDDEN_CHARACTERS) in response.content.decode()
    else:
        assert response.status_code == 302
        assert member.display_name == kept


def test_a_name_stored_with_a_direction_override_is_isolated_wherever_it_is_shown(article, moderator, trusted_reader):
    # Names set before sign-up checked them (or by hand in the database) are still shown: <bdi> keeps a right-to-left
    # name, or an override inside it, from reordering the rest of the line.
    Member.objects.filter(user=trusted_reader).update(display_name="\u202eevil")
    services.comment_create(author=trusted_reader, target=article, body="Hello")
    signed_in = Client()
    signed_in.force_login(trusted_reader)

    page = signed_in.get(article.get_absolute_url()).content.decode()
    queue = admin_client(moderator).get("/admin/community/comment/?queue=all").content.decode()

    assert '<bdi class="comment-author">\u202eevil</bdi>' in page
    assert '<bdi class="account-name">\u202eevil</bdi>' in page
    assert '<td class="field-author_name"><bdi>\u202eevil</bdi></td>' in queue
