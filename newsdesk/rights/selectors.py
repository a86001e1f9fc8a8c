"""Reads of the takedown desk: tombstone matching (the ingest pipeline asks before storing anything), the open
requests by SLA deadline, and the public transparency figures."""

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Model, Q, QuerySet

from newsdesk.articles.models import Article
from newsdesk.reader.urls import url_identity_key, url_prefix_keys
from newsdesk.rights.models import RemovedArticle, TakedownRequest, Tombstone
from newsdesk.sources.models import Publisher

OPEN_STATES = (TakedownRequest.State.RECEIVED, TakedownRequest.State.VERIFIED)
# What the address of an article a takedown removed answers (410 Gone), on its page and in the API.
REMOVED_BY_TAKEDOWN = "This article was removed after a takedown notice from its rights holder."


def article_was_removed(*, article_id: int) -> bool:
    """Whether a takedown removed the article with this id (its addresses answer 410 Gone, not 404)."""
    return RemovedArticle.objects.filter(article_id=article_id).exists()


def article_gone_reason(sender: type[Model], *, pk: int, **kwargs: object) -> str:
    """Receiver of common.signals.target_gone_asked: REMOVED_BY_TAKEDOWN when a takedown removed article `pk` (its
    comments feed and comment form answer 410 as its page does), else ""."""
    return REMOVED_BY_TAKEDOWN if sender is Article and article_was_removed(article_id=pk) else ""


def tombstoned_urls(urls: Iterable[str]) -> set[str]:
    """Those of `urls` an active URL or prefix tombstone covers (any variant of them), in one query."""
    urls = [u for u in dict.fromkeys(urls) if u]
    identity = {url: url_identity_key(url) for url in urls}
    prefixes = {url: url_prefix_keys(url) for url in urls}
    keys = {k for k in identity.values() if k}
    prefix_keys = {k for keys_of in prefixes.values() for k in keys_of}
    if not keys and not prefix_keys:
        return set()
    rows = Tombstone.objects.filter(is_active=True).filter(
        Q(kind=Tombstone.Kind.URL, key__in=keys) | Q(kind=Tombstone.Kind.PREFIX, key__in=prefix_keys)
    )
    url_keys, prefix_hits = set(), set()
    for kind, key in rows.values_list("kind", "key"):
        (url_keys if kind == Tombstone.Kind.URL else prefix_hits).add(key)
    return {url for url in urls if identity[url] in url_keys or any(key in prefix_hits for key in prefixes[url])}


def text_is_tombstoned(*, publisher: Publisher, content_hash: str) -> bool:
    """Whether this publisher's text with `content_hash` was taken down (a wire copy under a new URL)."""
    return Tombstone.objects.filter(
        is_active=True, kind=Tombstone.Kind.TEXT, publisher=publisher, key=content_hash
    ).exists()


def takedowns_open_by_deadline() -> QuerySet[TakedownRequest]:
    """Requests still waiting for verification or removal, the nearest SLA deadline first."""
    return TakedownRequest.objects.filter(state__in=OPEN_STATES).order_by("deadline", "id")


def takedown_get(*, request_id: int) -> TakedownRequest | None:
    return TakedownRequest.objects.filter(pk=request_id).first()


def takedowns_verified() -> QuerySet[TakedownRequest]:
    """Verified requests waiting for the worker to carry them out, oldest verification first."""
    return TakedownRequest.objects.filter(state=TakedownRequest.State.VERIFIED).order_by("verified_at", "id")


def takedowns_needing_reminder(*, now: datetime, before: timedelta) -> QuerySet[TakedownRequest]:
    """Open requests whose deadline is less than `before` away and whose operators were not reminded yet."""
    return takedowns_open_by_deadline().filter(deadline__lte=now + before, reminded_at__isnull=True)


@dataclass(frozen=True)
class Transparency:
    by_outcome: dict[str, int]
    total: int
    removed: int
    median_removal: timedelta | None
    max_removal: timedelta | None

    @property
    def median_removal_text(self) -> str:
        return duration_text(self.median_removal)

    @property
    def max_removal_text(self) -> str:
        return duration_text(self.max_removal)


def duration_text(value: timedelta | None) -> str:
    """'42 s', '12 min 5 s', '3 h 20 min' ('—' for None)."""
    if value is None:
        return "—"
    seconds = round(value.total_seconds())
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def transparency_figures() -> Transparency:
    """Counts by state and the median / maximum time from receipt to removal (removed and later reinstated
    requests count as removals too: they were removed)."""
    counts = dict.fromkeys(TakedownRequest.State.values, 0)
    for state in TakedownRequest.objects.values_list("state", flat=True):
        counts[state] += 1
    durations = [
        (removed - received).total_seconds()
        for received, removed in TakedownRequest.objects.filter(removed_at__isnull=False).values_list(
            "received_at", "removed_at"
        )
    ]
    return Transparency(
        by_outcome=counts,
        total=sum(counts.values()),
        removed=len(durations),
        median_removal=timedelta(seconds=statistics.median(durations)) if durations else None,
        max_removal=timedelta(seconds=max(durations)) if durations else None,
    )
