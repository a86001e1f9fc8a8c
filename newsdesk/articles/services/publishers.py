"""A publisher's display policy and activity, changed the one way that tells search and stories."""

from django.db import transaction

from newsdesk.articles.policy import EXCERPT_WORDS_MAX, EXCERPT_WORDS_MIN, policy_shows_less
from newsdesk.articles.reindex import search_reindex_request
from newsdesk.articles.signals import display_policy_changed
from newsdesk.common.content_version import content_version_bump
from newsdesk.sources.models import Publisher


def publisher_policy_set(
    *,
    publisher: Publisher,
    display_policy: str,
    excerpt_words: int | None = None,
    is_active: bool | None = None,
    shown_before: tuple[str, int] | None = None,
) -> None:
    """Set a publisher's display policy (and excerpt length, and whether it is active), ask for its articles' search
    text to be derived again (search_reindex_request: a worker's job does it) and, in the same transaction, tell the
    stories holding them (display_policy_changed); then tell every cache that content changed. The one way a policy
    or activity changes (admin and code alike). `shown_before`: the (policy, excerpt words) the row held, for a
    caller that saved the row already (the admin's form); by default the stored row's."""
    if display_policy not in Publisher.DisplayPolicy.values:
        raise ValueError(f"unknown display policy {display_policy!r}")
    if excerpt_words is not None and not EXCERPT_WORDS_MIN <= excerpt_words <= EXCERPT_WORDS_MAX:
        raise ValueError(f"excerpt length must be {EXCERPT_WORDS_MIN}..{EXCERPT_WORDS_MAX} words, not {excerpt_words}")
    with transaction.atomic():
        before = shown_before or Publisher.objects.values_list("display_policy", "excerpt_words").get(pk=publisher.pk)
        publisher.display_policy = display_policy
        if excerpt_words is not None:
            publisher.excerpt_words = excerpt_words
        if is_active is not None:  # deactivated or reactivated: its articles leave or rejoin every surface
            publisher.is_active = is_active
        publisher.save(update_fields=["display_policy", "excerpt_words", "is_active"])
        after = (publisher.display_policy, publisher.excerpt_words)
        if after != before:
            search_reindex_request(publisher_id=publisher.pk, hides_more=policy_shows_less(before=before, after=after))
        display_policy_changed.send(sender=Publisher, publisher_id=publisher.pk)
    content_version_bump()
