"""Reads of publishers and their feeds. Views, the API and the admin call these, never the ORM directly."""

from django.db.models import QuerySet

from newsdesk.sources.models import Feed, Publisher


def publisher_list() -> QuerySet[Publisher]:
    """Every active publisher, by name."""
    return Publisher.objects.filter(is_active=True)


def publisher_get(*, slug: str) -> Publisher | None:
    """One active publisher by slug, or None."""
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
