"""What the desk's front page shows: takedowns by SLA time left, the moderation queue, failing and paused feeds,
ingest lag."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from newsdesk.community.selectors import moderation_queue_summary
from newsdesk.ingest.selectors import ingest_figures, worker_last_seen
from newsdesk.rights.models import TakedownRequest
from newsdesk.rights.selectors import takedowns_open_by_deadline
from newsdesk.sources.models import Feed
from newsdesk.sources.selectors import feed_failing_list, feed_paused_list

FEEDS_SHOWN = 10
TAKEDOWNS_SHOWN = 10
# Ingest is "behind" once the most overdue feed waits longer than this.
LAG_WARNING = timedelta(minutes=15)
# No worker is running once none has shown it for this long (a cycle offers the periodic jobs, whose shortest
# period is seconds; a worker in a long cycle holds leases it renews): takedowns then wait, their deadline does not.
WORKER_SILENT = timedelta(minutes=10)


@dataclass(frozen=True)
class DeskPanels:
    now: datetime
    comments_waiting: int
    comments_reported: int
    oldest_comment_waiting: datetime | None
    failing_feeds: list[Feed]
    failing_count: int
    paused_feeds: list[Feed]
    paused_count: int
    feeds_due: int
    ingest_lag: timedelta | None
    oldest_due_at: datetime | None
    ingest_behind: bool
    last_success_at: datetime | None
    takedowns: list[TakedownRequest]
    takedowns_open: int
    takedowns_overdue: int
    worker_last_seen: datetime | None
    workers_silent: bool


def desk_panels() -> DeskPanels:
    now = timezone.now()
    queue = moderation_queue_summary()
    figures = ingest_figures(now=now)
    lag = now - figures.oldest_due_at if figures.oldest_due_at else None
    failing = feed_failing_list()
    paused = feed_paused_list()
    takedowns = takedowns_open_by_deadline().select_related("publisher")
    seen = worker_last_seen(now=now)
    return DeskPanels(
        now=now,
        comments_waiting=queue["waiting"],
        comments_reported=queue["reported"],
        oldest_comment_waiting=queue["oldest_waiting"],
        failing_feeds=list(failing[:FEEDS_SHOWN]),
        failing_count=failing.count(),  # still scheduled: paused feeds have their own panel
        paused_feeds=list(paused[:FEEDS_SHOWN]),
        paused_count=figures.feeds_paused,
        feeds_due=figures.feeds_due,
        ingest_lag=lag,
        oldest_due_at=figures.oldest_due_at,
        ingest_behind=lag is not None and lag > LAG_WARNING,
        takedowns=list(takedowns[:TAKEDOWNS_SHOWN]),
        takedowns_open=takedowns.count(),
        takedowns_overdue=takedowns.filter(deadline__lt=now).count(),
        worker_last_seen=seen,
        workers_silent=seen is None or now - seen > WORKER_SILENT,
        last_success_at=Feed.objects.order_by("-last_success_at").values_list("last_success_at", flat=True).first(),
    )
