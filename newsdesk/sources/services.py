"""Writes of publishers and feeds: subscribing, and recording what a fetch said about a feed."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from newsdesk.sources.models import Feed, Publisher


@transaction.atomic
def publisher_upsert(
    *,
    name: str,
    homepage: str,
    slug: str = "",
    country: str = "",
    language: str = "",
    display_policy: str = Publisher.DisplayPolicy.EXCERPT,
    contact_domain: str = "",
) -> Publisher:
    """Create a publisher or update the one with the same slug.

    `display_policy` applies to a new publisher only: an import never overrides the policy of one we already
    have (an operator may have set it), and a policy change must re-derive the search index, which
    `newsdesk.articles.services.publisher_policy_set` does."""
    slug = slugify(slug or name)[:100]
    if display_policy not in Publisher.DisplayPolicy.values:
        raise ValueError(f"unknown display policy {display_policy!r}")
    publisher, created = Publisher.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "homepage": homepage,
            "country": country.upper()[:2],
            "language": language,
            "display_policy": display_policy,
            "contact_domain": contact_domain,
        },
    )
    if not created:
        publisher.name, publisher.homepage = name, homepage
        publisher.country, publisher.language = country.upper()[:2], language
        publisher.contact_domain = contact_domain
        publisher.save(update_fields=["name", "homepage", "country", "language", "contact_domain"])
    return publisher


def feed_subscribe(*, publisher: Publisher, url: str, kind: str = Feed.Kind.RSS, title: str = "") -> Feed:
    """Follow a feed URL (idempotent: the same URL is one feed)."""
    if kind not in Feed.Kind.values:
        raise ValueError(f"unknown feed kind {kind!r}")
    feed, _ = Feed.objects.get_or_create(url=url, defaults={"publisher": publisher, "kind": kind, "title": title})
    return feed


def feed_url_move(*, feed: Feed, url: str) -> bool:
    """Follow a feed to its new URL (its publisher says it moved), keeping the feed's row, history and articles: the
    old address's validators, error count and pause go, and the feed is due at once. False (nothing changed) when
    another feed already has that URL."""
    if feed.url == url or Feed.objects.filter(url=url).exists():
        return False
    feed.url, feed.etag, feed.last_modified = url, "", ""
    feed.consecutive_errors, feed.last_error, feed.is_paused, feed.paused_reason = 0, "", False, ""
    feed.redirect_candidate, feed.redirect_seen = "", 0
    feed.next_check_at = timezone.now()
    feed.save()
    return True


def feeds_check_now(*, feeds: QuerySet[Feed]) -> int:
    """Make `feeds` due at once (the next worker pass takes them); returns how many."""
    return feeds.update(next_check_at=timezone.now())


def feeds_pause(*, feeds: QuerySet[Feed], reason: str) -> int:
    """Pause `feeds` (no worker refreshes them until they are resumed), saying why; returns how many."""
    return feeds.update(is_paused=True, paused_reason=reason[:500])
