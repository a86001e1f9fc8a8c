"""Reads of publishers and their feeds. Views, the API and the admin call these, never the ORM directly."""

from django.db.models import QuerySet

from newsdesk.sources.models import Publisher


def publisher_list() -> QuerySet[Publisher]:
    """Every active publisher, by name."""
    return Publisher.objects.filter(is_active=True)


def publisher_get(*, slug: str) -> Publisher | None:
    """One active publisher by slug, or None."""
    return publisher_list().filter(slug=slug).first()
