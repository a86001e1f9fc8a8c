"""Reads about ingestion: what is due, and the figures /metrics reports."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Min, Sum
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.ingest.claims import feed_due
from newsdesk.ingest.models import FetchAttempt, PeriodicJob
from newsdesk.ingest.schedule import WEEK_S
from newsdesk.sources.models import Feed


def feeds_to_refresh_count(*, full_pass: bool) -> int:
    """Feeds one cycle would refresh: every active feed (full pass) or the due ones."""
    qs = Feed.objects.filter(is_paused=False, publisher__is_active=True)
    if not full_pass:
        qs = qs.filter(feed_due(timezone.now()))
    return qs.count()


def entries_last_week_by_feed(feed_ids: list[int], *, now: datetime) -> dict[int, int]:
    """Articles published in the last week, per feed (feeds without any are absent): one query for a batch."""
    since = now - timedelta(seconds=WEEK_S)
    rows = (
        Article.objects.filter(feed_id__in=feed_ids, published_at__gte=since)
        .values("feed_id")
        .annotate(n=Count("id"))
        .values_list("feed_id", "n")
    )
    return dict(rows)


@dataclass(frozen=True)
class IngestFigures:
    fetches_by_outcome: dict[str, int]
    items_new: int
    items_updated: int
    bytes_received: int
    articles: int
    feeds_due: int
    oldest_due_at: datetime | None
    feeds_active: int
    feeds_paused: int
    feeds_leased: int
    feeds_failing: int


def ingest_figures(*, now: datetime) -> IngestFigures:
    """Everything /metrics shows, from the shared tables (workers on other hosts write them too)."""
    by_outcome = {row["outcome"]: row["n"] for row in FetchAttempt.objects.values("outcome").annotate(n=Count("id"))}
    totals = FetchAttempt.objects.aggregate(
        new=Sum("items_new"), updated=Sum("items_updated"), bytes=Sum("bytes_received")
    )
    due = Feed.objects.filter(is_paused=False).filter(feed_due(now))
    return IngestFigures(
        fetches_by_outcome={outcome: by_outcome.get(outcome, 0) for outcome in FetchAttempt.Outcome.values},
        items_new=totals["new"] or 0,
        items_updated=totals["updated"] or 0,
        bytes_received=totals["bytes"] or 0,
        articles=Article.objects.count(),
        feeds_due=due.count(),
        oldest_due_at=due.aggregate(oldest=Min("next_check_at"))["oldest"],
        feeds_active=Feed.objects.filter(is_paused=False).count(),
        feeds_paused=Feed.objects.filter(is_paused=True).count(),
        feeds_leased=Feed.objects.filter(lease_expires_at__gt=now).count(),
        feeds_failing=Feed.objects.filter(consecutive_errors__gt=0).count(),
    )


def worker_last_seen(*, now: datetime) -> datetime | None:
    """When a worker last showed it runs, on any host: `now` while one holds a feed's lease (it renews it), else
    the last start of a periodic job (every worker offers them each cycle, one runs each per period); None when no
    worker ever ran."""
    if Feed.objects.filter(lease_expires_at__gt=now).exists():
        return now
    return PeriodicJob.objects.aggregate(last=Max("last_started_at"))["last"]
