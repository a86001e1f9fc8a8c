"""Runs refresh cycles: claim feeds in batches, refresh them on a few threads, release them."""

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.db import close_old_connections, connection
from django.utils import timezone

from newsdesk.ingest.claims import DEFAULT_LEASE_S, feed_claim, feed_release
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.services import RefreshReport, feed_refresh
from newsdesk.sources.models import Feed

log = logging.getLogger(__name__)


def worker_identity() -> str:
    """host:pid:random — unique across hosts and restarts, readable in the admin."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class CycleStats:
    feeds: int = 0
    errors: int = 0
    not_modified: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    seconds: float = 0.0


def _refresh_in_thread(feed: Feed, context: IngestContext, owner: str) -> RefreshReport:
    close_old_connections()
    try:
        return feed_refresh(feed=feed, context=context)
    finally:
        feed_release(feed=feed, owner=owner)
        connection.close()


def run_cycle(
    *,
    context: IngestContext,
    owner: str | None = None,
    full_pass: bool = False,
    threads: int = 4,
    batch: int = 16,
    lease_s: int = DEFAULT_LEASE_S,
    on_feed_done: Callable[[RefreshReport], None] | None = None,
) -> CycleStats:
    """Refresh every due feed (or, with full_pass, every active feed once) until none is left to claim."""
    owner = owner or worker_identity()
    stats = CycleStats()
    t0 = time.monotonic()
    cycle_start = timezone.now()
    with ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="refresh") as pool:
        while True:
            feeds = feed_claim(
                owner=owner,
                limit=batch,
                lease_s=lease_s,
                due_only=not full_pass,
                checked_before=cycle_start if full_pass else None,
            )
            if not feeds:
                break
            for report in pool.map(lambda f: _refresh_in_thread(f, context, owner), feeds):
                stats.feeds += 1
                stats.errors += int(report.outcome in ("error", "refused"))
                stats.not_modified += int(report.outcome == "not_modified")
                stats.articles_new += report.items_new
                stats.articles_updated += report.items_updated
                if on_feed_done:
                    on_feed_done(report)
    stats.seconds = time.monotonic() - t0
    return stats


def feeds_to_refresh_count(*, full_pass: bool) -> int:
    now = timezone.now()
    qs = Feed.objects.filter(is_paused=False, publisher__is_active=True)
    if not full_pass:
        from django.db.models import Q

        qs = qs.filter(Q(next_check_at__isnull=True) | Q(next_check_at__lte=now))
    return qs.count()
