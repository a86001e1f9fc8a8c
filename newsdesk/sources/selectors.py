"""Reads of publishers and their feeds. Views, the API and the admin call these, never the ORM directly."""

from django.db.models import QuerySet

from newsdesk.sources.models import Feed, Publisher


def publisher_list() -> QuerySet[Publisher]:
    """Every publisher the public site shows: active, and not one whose display policy is "blocked" (its articles
    appear on no surface, so neither does an empty page of them, its feeds or its place in the sitemap)."""
    return Publisher.objects.filter(is_active=True).exclude(display_policy=Publisher.DisplayPolicy.BLOCKED)


def publisher_get(*, slug: str) -> Publisher | None:
    """One publisher of publisher_list by slug, or None."""
    return publisher_list().filter(slug=slug).first()


def feed_failing_list() -> QuerySet[Feed]:
    """Feeds still scheduled whose last checks failed, most failures first (the desk shows them)."""
    return (
        Feed.objects.filter(is_paused=False, consecutive_errors__gt=0)
        .select_related("publisher")
        .order_by("-consecutive_errors", "url")
    )


def feed_paused_list() -> QuerySet[Feed]:
    return Feed.objects.filter(is_paused=True).select_related("publisher").order_by("-last_checked_at", "url")
