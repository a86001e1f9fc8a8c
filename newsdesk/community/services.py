"""Writes of the community: comments, reports, moderation and bans. Accounts live in accounts.py."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from newsdesk.common.content_version import content_version_bump
from newsdesk.community import spam
from newsdesk.community.markup import comment_render, text_fingerprint
from newsdesk.community.models import Comment, CommentReport, Member
from newsdesk.community.pages import target_pages_changed
from newsdesk.community.targets import target_type

log = logging.getLogger("newsdesk.community")

BANNED = "Your account may no longer post comments."
NOT_VERIFIED = "Confirm your email address before posting: follow the link we emailed you."
EMPTY = "Write something before posting."
TOO_LONG = "A comment may be at most {limit} characters long."
EDIT_WINDOW_OVER = "Comments can only be edited for {minutes} minutes after posting."
NOT_YOURS = "Only the author can edit this comment."
ALREADY_REPORTED = "You have already reported this comment."
WRONG_THREAD = "The comment you replied to belongs to another page; post yours as a new comment."


class CommentRefused(Exception):
    """The comment (or edit, or report) was not accepted; str(exc) is the message for the person."""


def member_for(user: AbstractBaseUser) -> Member:
    """The user's community profile, made on first use (staff created in the admin have none yet)."""
    member, _ = Member.objects.get_or_create(
        user=user, defaults={"display_name": user.get_username(), "email_verified_at": timezone.now()}
    )
    return member


def _check_author(member: Member) -> None:
    if member.is_banned or not member.user.is_active:
        raise CommentRefused(BANNED)
    if member.email_verified_at is None:
        raise CommentRefused(NOT_VERIFIED)


def _check_body(text: str) -> str:
    text = text.strip()
    if not text:
        raise CommentRefused(EMPTY)
    if len(text) > settings.COMMUNITY_MAX_LENGTH:
        raise CommentRefused(TOO_LONG.format(limit=settings.COMMUNITY_MAX_LENGTH))
    return text


def comment_create(
    *,
    author: AbstractBaseUser,
    target: models.Model,
    body: str,
    parent: Comment | None = None,
    honeypot: str = "",
    started_token: str | None = None,
) -> Comment:
    """Check and store a comment on `target`. New members' comments wait for moderation; trusted ones show.

    `started_token` is the form's signed timestamp (None for callers without a form, such as the shell)."""
    member = member_for(author)
    _check_author(member)
    text = _check_body(body)
    try:
        spam.check_honeypot(honeypot)
        if started_token is not None:
            spam.check_timing(started_token)
        spam.check_links(text)
        spam.check_rate(author_id=author.pk)
        spam.check_duplicate(author_id=author.pk, text=text)
    except spam.SpamRejected as exc:
        log.info("comment refused", extra={"author_id": author.pk, "reason": str(exc)})
        raise CommentRefused(str(exc)) from None
    kind = target_type(target)
    if parent is not None and (parent.target_type_id, parent.target_id) != (kind.pk, target.pk):
        # A reply lives on its parent's page; ids alone would let a story comment answer an article's.
        raise CommentRefused(WRONG_THREAD)
    if parent is not None and parent.parent_id is not None:
        parent = parent.parent  # one level of replies: answering a reply answers its thread
    status = Comment.Status.APPROVED if member.is_trusted else Comment.Status.PENDING
    comment = Comment.objects.create(
        target_type=kind,
        target_id=target.pk,
        author=author,
        parent=parent,
        body=text,
        body_html=comment_render(text),
        body_fingerprint=text_fingerprint(text),
        status=status,
    )
    if status == Comment.Status.APPROVED:
        target_pages_changed(target)
    log.info("comment posted", extra={"comment_id": comment.pk, "status": status})
    return comment


def comment_is_editable(comment: Comment, *, now=None) -> bool:
    window = timedelta(seconds=settings.COMMUNITY_EDIT_WINDOW_SECONDS)
    return (now or timezone.now()) - comment.created_at <= window and comment.status != Comment.Status.REJECTED


def comment_edit(*, comment: Comment, editor: AbstractBaseUser, body: str) -> Comment:
    """The author's edit within the window; an untrusted member's edited comment goes back to the queue."""
    if comment.author_id != editor.pk:
        raise CommentRefused(NOT_YOURS)
    member = member_for(editor)
    _check_author(member)
    if not comment_is_editable(comment):
        raise CommentRefused(EDIT_WINDOW_OVER.format(minutes=settings.COMMUNITY_EDIT_WINDOW_SECONDS // 60))
    text = _check_body(body)
    try:
        spam.check_links(text)
        if text_fingerprint(text) != comment.body_fingerprint:
            spam.check_duplicate(author_id=editor.pk, text=text, exclude_id=comment.pk)
    except spam.SpamRejected as exc:
        raise CommentRefused(str(exc)) from None
    comment.body = text
    comment.body_html = comment_render(text)
    comment.body_fingerprint = text_fingerprint(text)
    comment.edited_at = timezone.now()
    if not member.is_trusted:
        comment.status = Comment.Status.PENDING
    comment.save()
    target_pages_changed(comment.target)
    return comment


@transaction.atomic
def comment_report(*, comment: Comment, reporter: AbstractBaseUser, reason: str = "") -> Comment:
    """Record one reader's report; enough of them take the comment off the page until a moderator looks."""
    if CommentReport.objects.filter(comment=comment, reporter=reporter).exists():
        raise CommentRefused(ALREADY_REPORTED)
    CommentReport.objects.create(comment=comment, reporter=reporter, reason=reason.strip()[:300])
    Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
    comment.refresh_from_db()
    if comment.report_count >= settings.COMMUNITY_REPORTS_TO_HIDE and comment.status == Comment.Status.APPROVED:
        comment.status = Comment.Status.PENDING
        comment.save(update_fields=["status"])
        target_pages_changed(comment.target)
    return comment


def _targets_changed(comments: QuerySet[Comment]) -> None:
    pairs = comments.order_by().values_list("target_type_id", "target_id").distinct()
    targets = []
    for type_id, target_id in pairs:
        model = ContentType.objects.get_for_id(type_id).model_class()
        targets.append(model.objects.filter(pk=target_id).first() if model is not None else None)
    target_pages_changed(*targets)


@transaction.atomic
def comments_approve(*, comments: QuerySet[Comment], moderator: AbstractBaseUser) -> int:
    """Approve; their authors become trusted (no longer pre-moderated). Returns how many changed."""
    ids = list(comments.values_list("pk", flat=True))
    count = Comment.objects.filter(pk__in=ids).update(
        status=Comment.Status.APPROVED, moderated_at=timezone.now(), moderated_by=moderator, report_count=0
    )
    authors = Comment.objects.filter(pk__in=ids).values("author_id")
    Member.objects.filter(user_id__in=authors, banned_at__isnull=True).update(is_trusted=True)
    CommentReport.objects.filter(comment_id__in=ids).delete()
    _targets_changed(Comment.objects.filter(pk__in=ids))
    return count


@transaction.atomic
def comments_reject(*, comments: QuerySet[Comment], moderator: AbstractBaseUser) -> int:
    ids = list(comments.values_list("pk", flat=True))
    count = Comment.objects.filter(pk__in=ids).update(
        status=Comment.Status.REJECTED, moderated_at=timezone.now(), moderated_by=moderator
    )
    _targets_changed(Comment.objects.filter(pk__in=ids))
    return count


@transaction.atomic
def members_ban(*, users: QuerySet, moderator: AbstractBaseUser, reason: str = "") -> int:
    """Ban: no more posting, and every comment of theirs not yet rejected is rejected (and leaves its page)."""
    user_ids = list(users.values_list("pk", flat=True))
    for user in users.model.objects.filter(pk__in=user_ids):
        member_for(user)
    count = Member.objects.filter(user_id__in=user_ids, banned_at__isnull=True).update(
        banned_at=timezone.now(), ban_reason=reason[:300], is_trusted=False
    )
    comments_reject(
        comments=Comment.objects.filter(author_id__in=user_ids).exclude(status=Comment.Status.REJECTED),
        moderator=moderator,
    )
    log.info("members banned", extra={"count": count, "moderator_id": moderator.pk})
    return count


@transaction.atomic
def comment_moderator_save(*, comment: Comment, moderator: AbstractBaseUser) -> Comment:
    """Store a moderator's change made in the admin (status, or the text): the shown HTML follows the text."""
    comment.body_html = comment_render(comment.body)
    comment.body_fingerprint = text_fingerprint(comment.body)
    comment.moderated_at = timezone.now()
    comment.moderated_by = moderator
    comment.save()
    target_pages_changed(comment.target)
    return comment


@transaction.atomic
def comments_delete(*, comments: QuerySet[Comment]) -> int:
    """Delete comments (their replies go with them) and take them off their pages."""
    ids = list(comments.values_list("pk", flat=True))
    _targets_changed(Comment.objects.filter(pk__in=ids))
    count, _ = Comment.objects.filter(pk__in=ids).delete()
    return count


def members_unban(*, members: QuerySet[Member]) -> int:
    return members.update(banned_at=None, ban_reason="")


def comments_retarget(sender: type[models.Model], *, old_pk: int, new_pk: int, **kwargs: object) -> int:
    """Move the comments on `sender` `old_pk` (replies with their parents) to `new_pk`, which took its place
    (common.signals.target_replaced); how many moved. Both pages' cached copies are dropped."""
    kind = ContentType.objects.get_for_model(sender)
    moved = Comment.objects.filter(target_type=kind, target_id=old_pk).update(target_id=new_pk)
    if moved:
        log.info("comments moved", extra={"target": kind.model, "from_id": old_pk, "to_id": new_pk, "moved": moved})
        for pk in (old_pk, new_pk):
            content_version_bump(f"{kind.app_label}.{kind.model}", pk)
    return moved
