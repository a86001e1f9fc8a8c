"""Reads of the community: the comments a page shows, the moderation queue, the comments feed."""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.db.models import Q, QuerySet

from newsdesk.common.compiled import key_rows
from newsdesk.community.markup import comment_plain_text
from newsdesk.community.models import Comment, Member
from newsdesk.community.names import without_hidden_characters
from newsdesk.community.targets import target_type


@dataclass
class CommentThread:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


@dataclass
class CommentsShown:
    """What a comment section shows its viewer: the threads, how many comments they hold (the heading's count), and
    how many of those are the viewer's own waiting for moderation (seen by them alone)."""

    threads: list[CommentThread]
    count: int
    awaiting: int


def _visible_to(viewer: AbstractBaseUser | AnonymousUser | None) -> Q:
    """Approved comments, plus the viewer's own comments that wait for moderation (so they see them posted)."""
    visible = Q(status=Comment.Status.APPROVED)
    if viewer is not None and viewer.is_authenticated:
        visible |= Q(status=Comment.Status.PENDING, author_id=viewer.pk)
    return visible


def comment_list(*, target: models.Model, viewer=None) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(target_type=target_type(target), target_id=target.pk)
        .filter(_visible_to(viewer))
        .select_related("author__member")
    )


def comments_shown(*, target: models.Model, viewer=None) -> CommentsShown:
    """Top-level comments, oldest first, each with its replies (a reply whose parent is hidden is not shown), counted
    as shown, in one query: a member who just posted sees "(1, 1 awaiting moderation)" above their comment, not a
    count of the approved ones that says 0; a visitor sees approved comments only, so their count is the public one."""
    threads = _threads(list(comment_list(target=target, viewer=viewer)))
    shown = [comment for thread in threads for comment in (thread.comment, *thread.replies)]
    awaiting = sum(comment.status == Comment.Status.PENDING for comment in shown)
    return CommentsShown(threads=threads, count=len(shown), awaiting=awaiting)


# What a visitor's view of a target's comments shows (the approved ones: their text, author, dates and threading).
APPROVED_COMMENT_FIELDS = (
    "id",
    "parent_id",
    "created_at",
    "edited_at",
    "body_html",
    "author__username",
    "author__member__display_name",
)


def approved_comment_keys(*, target: models.Model) -> list[tuple]:
    """APPROVED_COMMENT_FIELDS of the comments a visitor sees on `target`, in comment_list's order, as plain rows:
    the key of the cached comment section (read on compiled SQL, no model instance)."""
    type_id = target_type(target).pk
    return key_rows(
        ("approved-comment-keys", type_id, target.pk),
        lambda: Comment.objects.filter(
            target_type_id=type_id, target_id=target.pk, status=Comment.Status.APPROVED
        ).values_list(*APPROVED_COMMENT_FIELDS, named=True),
    )


def _threads(comments: list[Comment]) -> list[CommentThread]:
    threads: dict[int, CommentThread] = {}
    replies: list[Comment] = []
    for comment in comments:
        if comment.parent_id is None:
            threads[comment.pk] = CommentThread(comment)
        else:
            replies.append(comment)
    for reply in replies:
        if reply.parent_id in threads:
            threads[reply.parent_id].replies.append(reply)
    return list(threads.values())


def comment_feed_items(*, target: models.Model, limit: int = 50) -> list[Comment]:
    return list(
        Comment.objects.filter(target_type=target_type(target), target_id=target.pk, status=Comment.Status.APPROVED)
        .select_related("author__member")
        .order_by("-created_at", "-id")[:limit]
    )


def moderation_queue() -> QuerySet[Comment]:
    """Comments a moderator has to look at: waiting ones, and reported ones whatever their state."""
    return Comment.objects.filter(
        Q(status=Comment.Status.PENDING) | Q(report_count__gt=0, status=Comment.Status.APPROVED)
    ).order_by("created_at", "id")


def moderation_queue_summary() -> dict[str, int]:
    queue = moderation_queue()
    return {
        "waiting": queue.filter(status=Comment.Status.PENDING).count(),
        "reported": queue.filter(report_count__gt=0).count(),
        "oldest_waiting": queue.values_list("created_at", flat=True).first(),
    }


def member_get(*, user: AbstractBaseUser) -> Member | None:
    return Member.objects.filter(user=user).first()


def author_name(comment: Comment) -> str:
    """The comment's author as plain text (the comments feed's titles and authors), where no <bdi> can isolate the
    name: a hidden character a name stored before sign-up refused them still holds (a U+202E turning the rest of the
    title around) is left out."""
    member = getattr(comment.author, "member", None)
    return without_hidden_characters(member.display_name if member is not None else comment.author.get_username())


TITLE_LENGTH = 80  # characters of the comment a feed item's title quotes


def comment_title(comment: Comment) -> str:
    """ "Author: the comment's first words" as plain text (a comments feed item's title): the comment as shown, its
    Markdown rendered away ("*first*" reads "first") and its lines folded into spaces. No markup can isolate it there,
    so a hidden character stored before the comment form refused them (a U+202E would turn the rest of the title
    around) is left out, as in author_name."""
    text = without_hidden_characters(comment_plain_text(comment.body_html))
    return f"{author_name(comment)}: {text[:TITLE_LENGTH]}"
