"""Runs refresh cycles: claim feeds in batches, refresh them on a few threads, release them."""

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.db import close_old_connections, connection
from django.utils import timezone

from newsdesk.ingest.claims import DEFAULT_LEASE_S, feed_claim, feed_lease_renew, feed_release
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.models import FetchAttempt
from newsdesk.ingest.report import one_line
from newsdesk.ingest.services import REFRESH_FAILED, RefreshReport, feed_refresh, feed_refresh_failed
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


class _LeaseHeartbeat:
    """Renews a feed's lease every lease_s/3 while a refresh runs, so a slow feed is not taken over mid-way."""

    def __init__(self, feed: Feed, owner: str, lease_s: int) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(feed, owner, lease_s), daemon=True)

    def _run(self, feed: Feed, owner: str, lease_s: int) -> None:
        try:
            while not self._stop.wait(max(1.0, lease_s / 3)):
                if not feed_lease_renew(feed=feed, owner=owner, lease_s=lease_s):
                    return
        finally:
            connection.close()

    def __enter__(self) -> "_LeaseHeartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()


def _refresh_in_thread(feed: Feed, context: IngestContext, owner: str, lease_s: int) -> RefreshReport | None:
    """Refresh one claimed feed; None when its lease was lost while it waited in the batch."""
    close_old_connections()
    release = True
    try:
        if not feed_lease_renew(feed=feed, owner=owner, lease_s=lease_s):
            return None
        with _LeaseHeartbeat(feed, owner, lease_s):
            return feed_refresh(feed=feed, context=context, owner=owner, lease_s=lease_s)
    except Exception as exc:
        # feed_refresh records its own failures; this is one it could not record (a database error, say).
        # One feed must never end the cycle, nor come straight back into it: it is recorded as checked and
        # backed off, or, when not even that can be written, keeps its lease until it expires.
        error = f"{REFRESH_FAILED}: {one_line(exc)}"
        log.warning("feed refresh failed", extra={"feed_id": feed.pk, "error": error})
        try:
            feed_refresh_failed(feed=feed, owner=owner, error=error)
        except Exception:
            release = False
        return RefreshReport(feed_id=feed.pk, outcome=FetchAttempt.Outcome.ERROR, error=error)
    finally:
        if release:
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
                per_origin=context.per_host,  # the fleet's limit per publisher, as the gate is this process's
            )
            if not feeds:
                break
            for report in pool.map(lambda f: _refresh_in_thread(f, context, owner, lease_s), feeds):
                if report is None:
                    continue
                stats.feeds += 1
                stats.errors += int(report.outcome in ("error", "refused"))
                stats.not_modified += int(report.outcome == "not_modified")
                stats.articles_new += report.items_new
                stats.articles_updated += report.items_updated
                if on_feed_done:
                    on_feed_done(report)
    stats.seconds = time.monotonic() - t0
    return stats
