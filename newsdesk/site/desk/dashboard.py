"""What the desk's front page shows: takedowns by SLA time left, the moderation queue, failing and paused feeds
with their last error, and ingest lag."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from newsdesk.community.selectors import moderation_queue_summary
from newsdesk.ingest.selectors import ingest_figures
from newsdesk.rights.models import TakedownRequest
from newsdesk.rights.selectors import takedowns_open_by_deadline
from newsdesk.sources.models import Feed
from newsdesk.sources.selectors import feed_failing_list, feed_paused_list

FEEDS_SHOWN = 10
TAKEDOWNS_SHOWN = 10
# A takedown is "due soon" (the panel stands out) once less than this is left of its 24 h.
TAKEDOWN_WARNING = timedelta(hours=6)


@dataclass(frozen=True)
class TakedownDue:
    request: TakedownRequest
    time_left: timedelta

    @property
    def is_overdue(self) -> bool:
        return self.time_left < timedelta(0)

    @property
    def hours_left(self) -> float:
        return abs(self.time_left.total_seconds()) / 3600


# Ingest is "behind" once the most overdue feed waits longer than this.
LAG_WARNING = timedelta(minutes=15)


@dataclass(frozen=True)
class DeskPanels:
    now: datetime
    takedowns: list[TakedownDue]
    takedowns_open: int
    takedowns_due_soon: bool
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


def desk_panels() -> DeskPanels:
    now = timezone.now()
    queue = moderation_queue_summary()
    figures = ingest_figures(now=now)
    lag = now - figures.oldest_due_at if figures.oldest_due_at else None
    failing = feed_failing_list()
    paused = feed_paused_list()
    open_takedowns = takedowns_open_by_deadline()
    takedowns = [TakedownDue(request, request.deadline - now) for request in open_takedowns[:TAKEDOWNS_SHOWN]]
    return DeskPanels(
        now=now,
        takedowns=takedowns,
        takedowns_open=open_takedowns.count(),
        takedowns_due_soon=any(due.time_left < TAKEDOWN_WARNING for due in takedowns),
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
        last_success_at=Feed.objects.order_by("-last_success_at").values_list("last_success_at", flat=True).first(),
    )
