"""Runs refresh cycles: claim feeds in batches, refresh them on a few threads, release them."""

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from newsdesk.common.database import BACKOFF_MAX_S, Backoff, connections_reset, database_unavailable
from newsdesk.ingest.claims import DEFAULT_LEASE_S, feed_claim, feed_release, feeds_lease_renew, feeds_release
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.models import FetchAttempt
from newsdesk.ingest.report import one_line
from newsdesk.ingest.selectors import entries_last_week_by_feed
from newsdesk.ingest.services import (
    REFRESH_FAILED,
    RefreshRecord,
    RefreshReport,
    feed_refresh,
    feed_refresh_failed,
    refresh_records_write,
)
from newsdesk.rights.steps import RightsStepResult, rights_step
from newsdesk.sources.models import Feed

log = logging.getLogger(__name__)

# Writes of a finished batch while the database is away: 1 + 2 + 4 + 8 s of back-off, then the cycle fails (and
# the worker backs off); the batch's leases then expire and its feeds are refreshed again.
BATCH_WRITE_TRIES = 5
# Feeds a worker holds at once, per thread: enough that its threads never wait for the next claim, few enough that
# the due feeds are left for the other workers (one worker claiming a whole --batch while others idle was unfair).
HELD_PER_THREAD = 2


def worker_identity() -> str:
    """host:pid:random — unique across hosts and restarts, readable in the admin."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class CycleStats:
    feeds: int = 0
    errors: int = 0
    not_modified: int = 0
    deferred: int = 0  # not fetched: their host asked every worker to wait
    articles_new: int = 0
    articles_updated: int = 0
    articles_moved: int = 0
    seconds: float = 0.0


class _BatchHeartbeat:
    """Renews the leases of a claimed batch every lease_s/3 (one statement for the whole batch) until the batch is
    written, so a slow feed is not taken over mid-way; remembers the feeds whose lease was lost anyway."""

    def __init__(self, feeds: list[Feed], owner: str, lease_s: int) -> None:
        self._ids, self._owner, self._lease_s = [feed.pk for feed in feeds], owner, lease_s
        self._lost: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="lease-heartbeat")

    def _run(self) -> None:
        """Never ends before the batch does: a renewal that fails (the database restarting, say) is logged in one
        line and retried after a back-off, on a fresh connection; leases not renewed meanwhile simply expire."""
        backoff = Backoff(max_s=min(BACKOFF_MAX_S, max(1.0, self._lease_s / 3)))
        delay = max(1.0, self._lease_s / 3)
        try:
            while not self._stop.wait(delay):
                try:
                    ours = feeds_lease_renew(feed_ids=self._ids, owner=self._owner, lease_s=self._lease_s)
                except Exception as exc:
                    connections_reset()
                    delay = backoff.next_delay()
                    log.warning(
                        "lease heartbeat failed",
                        extra={"owner": self._owner, "error": one_line(exc), "retry_in_s": delay},
                    )
                    continue
                self._lost.update(set(self._ids) - ours)
                backoff.reset()
                delay = max(1.0, self._lease_s / 3)
        finally:
            connections_reset()

    def lost(self, feed: Feed) -> bool:
        return feed.pk in self._lost

    def __enter__(self) -> "_BatchHeartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()


def _refresh_in_thread(
    feed: Feed, context: IngestContext, owner: str, lease_s: int, heartbeat: _BatchHeartbeat, records: list
) -> RefreshReport | None:
    """Refresh one claimed feed, leaving its state to be written with the batch (`records`); None when its lease
    was lost while it waited in the batch. The thread keeps its database connection for the whole cycle."""
    _connection_check()
    if heartbeat.lost(feed):
        return None
    try:
        return feed_refresh(feed=feed, context=context, owner=owner, lease_s=lease_s, records=records)
    except Exception as exc:
        if database_unavailable(exc):
            # Not the feed's fault: nothing is recorded against it, the batch gives its lease back, and it is
            # refreshed again once the database answers. This thread's next feed starts on a fresh connection.
            connections_reset()
            log.warning("feed refresh interrupted", extra={"feed_id": feed.pk, "error": one_line(exc)})
            return None
        # feed_refresh records its own failures; this is one it could not record (a database error, say).
        # One feed must never end the cycle, nor come straight back into it: it is recorded as checked and
        # backed off, or, when not even that can be written, keeps its lease until it expires.
        error = f"{REFRESH_FAILED}: {one_line(exc)}"
        log.warning("feed refresh failed", extra={"feed_id": feed.pk, "error": error})
        try:
            feed_refresh_failed(feed=feed, owner=owner, error=error)
            feed_release(feed=feed, owner=owner)
        except Exception:
            log.warning("feed refresh failure not recorded", extra={"feed_id": feed.pk})
        return RefreshReport(feed_id=feed.pk, outcome=FetchAttempt.Outcome.ERROR, error=error)


def _connection_check() -> None:
    """Drop this thread's connection only when an error left it unusable (a database restart, say). Django's
    close_old_connections would also close it after every feed under CONN_MAX_AGE=0, and SQLite then pays for a
    new connection and its PRAGMAs per feed: more than a 304 refresh itself costs."""
    if connection.connection is not None and connection.errors_occurred:
        connection.close_if_unusable_or_obsolete()


def _close_thread_connections(pool: ThreadPoolExecutor, threads: int) -> None:
    """Close the database connection of every pool thread (each task waits at the barrier until all threads hold
    one task, so each thread runs exactly one)."""
    barrier = threading.Barrier(threads)

    def close() -> None:
        try:
            barrier.wait(timeout=30)
        finally:
            connections_reset()

    for future in [pool.submit(close) for _ in range(threads)]:
        future.exception()


@dataclass
class _Batch:
    """One claim's feeds while they are refreshed: their heartbeat, their records, how many are still running."""

    feeds: list[Feed]
    heartbeat: _BatchHeartbeat
    records: list[RefreshRecord] = field(default_factory=list)
    running: int = 0


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
    """Refresh every due feed (or, with full_pass, every active feed once) until none is left to claim.

    Per batch: one claim, one lease heartbeat, the refreshes on `threads` threads, then one transaction that
    writes every feed's state and fetch-log row and releases the leases — the bookkeeping costs a few
    statements per batch, not several per feed (on SQLite each write takes the database's one write lock). A
    worker holds at most HELD_PER_THREAD * threads feeds (and at most `batch` per claim); it claims again once
    no more than `threads` are left running, so its threads never wait for the claim, and feeds it could not
    start yet stay free for the other workers.
    """
    owner = owner or worker_identity()
    threads = max(1, threads)
    stats = CycleStats()
    t0 = time.monotonic()
    cycle_start = timezone.now()
    running: dict[Future, tuple[_Batch, Feed]] = {}
    open_batches: list[_Batch] = []
    may_claim = True  # False after an empty claim, until a feed finishes (its origin's slot is then free again)
    claim_error: Exception | None = None
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="refresh") as pool:
        try:
            while True:
                if may_claim and claim_error is None and len(running) <= threads:
                    try:
                        claimed = feed_claim(
                            owner=owner,
                            limit=min(batch, threads * HELD_PER_THREAD - len(running)),
                            lease_s=lease_s,
                            due_only=not full_pass,
                            checked_before=cycle_start if full_pass else None,
                            per_origin=context.per_host,  # the fleet's limit per publisher; the gate is this process's
                        )
                        if claimed:
                            open_batches.append(_batch_start(claimed, context, owner, lease_s, pool, running))
                            continue
                    except Exception as exc:
                        if not (running and database_unavailable(exc)):
                            raise
                        # The database went away: claim nothing more, finish (and write) what is running, then
                        # let the caller back off. Feeds leased by a failed claim return when their leases expire.
                        connections_reset()
                        claim_error = exc
                    may_claim = False
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                may_claim = True
                for future in done:
                    current, _feed = running.pop(future)
                    _count(future.result(), stats, on_feed_done)
                    current.running -= 1
                    if current.running == 0:
                        _batch_finish(current, owner)
                        open_batches.remove(current)
        finally:
            for unfinished in open_batches:  # only after an error: unwritten, their leases run out and they return
                unfinished.heartbeat.__exit__(None, None, None)
            _close_thread_connections(pool, threads)
    if claim_error is not None:
        raise claim_error
    stats.seconds = time.monotonic() - t0
    return stats


def _batch_start(
    feeds: list[Feed],
    context: IngestContext,
    owner: str,
    lease_s: int,
    pool: ThreadPoolExecutor,
    running: dict[Future, tuple[_Batch, Feed]],
) -> _Batch:
    weekly = entries_last_week_by_feed([feed.pk for feed in feeds], now=timezone.now())
    for feed in feeds:
        feed.entries_last_week = weekly.get(feed.pk, 0)  # the schedule's input, read once for the batch
    current = _Batch(feeds=feeds, heartbeat=_BatchHeartbeat(feeds, owner, lease_s).__enter__())
    for feed in feeds:
        future = pool.submit(_refresh_in_thread, feed, context, owner, lease_s, current.heartbeat, current.records)
        running[future] = (current, feed)
        current.running += 1
    return current


def _batch_finish(current: _Batch, owner: str) -> None:
    """Write the batch's records and release its leases in one transaction, then stop its heartbeat. While the
    database is away the write is retried a few times (its heartbeat keeps the leases meanwhile), so a restart
    loses none of the batch's work; the feeds not refreshed (interrupted by the outage) are released too."""
    backoff = Backoff()
    recorded = {record.feed.pk for record in current.records}
    unrecorded = [feed.pk for feed in current.feeds if feed.pk not in recorded]
    try:
        for attempt in range(1, BATCH_WRITE_TRIES + 1):
            try:
                refresh_records_write(current.records, owner=owner, release=True)
                feeds_release(feed_ids=unrecorded, owner=owner)
                return
            except Exception as exc:
                if attempt == BATCH_WRITE_TRIES or not database_unavailable(exc):
                    raise
                connections_reset()
                delay = backoff.next_delay()
                log.warning("batch write failed", extra={"owner": owner, "error": one_line(exc), "retry_in_s": delay})
                time.sleep(delay)
    finally:
        current.heartbeat.__exit__(None, None, None)


def _count(report: RefreshReport | None, stats: CycleStats, on_feed_done) -> None:
    if report is None:
        return
    stats.feeds += 1
    stats.errors += int(report.outcome in ("error", "refused"))
    stats.not_modified += int(report.outcome == "not_modified")
    stats.deferred += int(report.outcome == "deferred")
    stats.articles_new += report.items_new
    stats.articles_updated += report.items_updated
    stats.articles_moved += report.items_moved
    if on_feed_done:
        on_feed_done(report)


def worker_cycle(*, context: IngestContext, **cycle_options) -> tuple[RightsStepResult, CycleStats]:
    """One cycle of `newsdesk worker`: the takedown desk's step first (a request verified by now is carried out
    before this cycle could fetch its URLs again), then `run_cycle(**cycle_options)`."""
    rights = rights_step()
    return rights, run_cycle(context=context, **cycle_options)
