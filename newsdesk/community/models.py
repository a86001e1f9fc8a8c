"""Readers' accounts (a profile beside Django's user), their comments and the reports on them.

A comment's target is any model named in COMMENT_TARGETS (an article today, a story once that app exists): it is
kept as a content type and a primary key, so a new target needs no migration here and no import of its app.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Member(models.Model):
    """What the community knows of a user beyond auth: the name shown, and whether they are trusted or banned."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member")
    display_name = models.CharField(max_length=80)
    # New members are pre-moderated: their comments wait in the queue until a moderator approves one of them.
    is_trusted = models.BooleanField(default=False)
    banned_at = models.DateTimeField(null=True, blank=True)
    ban_reason = models.CharField(max_length=300, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "member"

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_banned(self) -> bool:
        return self.banned_at is not None


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for moderation"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    # One level of replies: a reply's parent is always a top-level comment.
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField(help_text="What the author typed (Markdown subset).")
    body_html = models.TextField(help_text="The body rendered and sanitized; what pages show.")
    # sha256 of the normalized text: the duplicate-text check looks it up.
    body_fingerprint = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    report_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["target_type", "target_id", "status"], name="comment_target_status")]

    def __str__(self) -> str:
        return f"comment {self.pk} by {self.author_id}"

    def get_absolute_url(self) -> str:
        target = self.target
        base = target.get_absolute_url() if target is not None else "/"
        return f"{base}#comment-{self.pk}"


class CommentReport(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_reader")]

    def __str__(self) -> str:
        return f"report on comment {self.comment_id}"
