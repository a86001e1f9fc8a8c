"""Reads of publishers and their feeds. Views, the API and the admin call these, never the ORM directly."""

from django.db.models import Q, QuerySet

from newsdesk.sources.models import Feed, Publisher

# The display policies of publishers some surface shows: all but "blocked".
SHOWN_POLICIES = tuple(policy for policy in Publisher.DisplayPolicy if policy != Publisher.DisplayPolicy.BLOCKED)


def publisher_shown(path: str = "") -> Q:
    """The condition that the publisher at the lookup `path` ("" for a publisher itself, "publisher__" for an
    article's, "signature__group__primary__publisher__" for a wire group's primary's) is one the public site shows:
    active, and its display policy not "blocked". The one spelling of that rule every surface filters by. A list of
    the shown policies, not a negation: negated across nullable joins it would also hold where a join finds nothing."""
    return Q(**{f"{path}is_active": True, f"{path}display_policy__in": SHOWN_POLICIES})


def publisher_list() -> QuerySet[Publisher]:
    """Every publisher the public site shows (publisher_shown): a blocked publisher's articles appear on no surface,
    so neither does an empty page of them, its feeds or its place in the sitemap."""
    return Publisher.objects.filter(publisher_shown())


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
