"""The orchestrator: `feed_refresh` is the one entry point that ties fetching, parsing, extraction and storage.

The worker, the `ingest` command and the admin all call it (like Miniflux's RefreshFeed).
"""

import logging
import random
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.common.content_version import content_version_bump
from newsdesk.common.database import database_unavailable, writes_serialized
from newsdesk.ingest.context import HostBusy, IngestContext
from newsdesk.ingest.entries import DEFERRED_RECHECK_S, entries_newest_first
from newsdesk.ingest.entry_refresh import entries_ingest
from newsdesk.ingest.models import FetchAttempt
from newsdesk.ingest.page_claims import PAGE_LEASE_S
from newsdesk.ingest.report import RefreshReport, one_line
from newsdesk.ingest.schedule import (
    PAUSE_AFTER_ERRORS,
    WEEK_S,
    next_check_after_error,
    next_check_after_success,
)
from newsdesk.ingest.signals import hub_found
from newsdesk.reader.feeds import FeedParseError, parse_feed
from newsdesk.reader.fetcher import FetchError
from newsdesk.reader.types import FetchResult
from newsdesk.sources.models import Feed
from newsdesk.stories.services import articles_stories_complete, articles_stories_revise, articles_stories_update

log = logging.getLogger(__name__)

# A permanent redirect must be seen this many fetches in a row before the stored feed URL follows it,
# so one hijacked response cannot move a subscription elsewhere.
REDIRECT_CONFIRMATIONS = 3
REFRESH_FAILED = "refresh failed"
# A leased feed's page claims last this share of its lease. The runner renews the lease every third of it, so a
# page claimed at any moment expires no later than the feed's lease: when a worker dies, whoever takes the feed
# over finds its pages free (a page still being fetched past it may be fetched twice; it is stored once).
PAGE_LEASE_SHARE = 0.6

__all__ = ["REDIRECT_CONFIRMATIONS", "RefreshReport", "feed_refresh"]


def _hub_announce(feed: Feed, hub_url: str, context: IngestContext) -> None:
    """Tell the apps above (WebSub) that this feed names a hub; whatever they do, the refresh goes on."""
    for receiver, outcome in hub_found.send_robust(
        sender=Feed, feed=feed, hub_url=hub_url, topic_url="", context=context, explicit=False
    ):
        if isinstance(outcome, Exception):
            log.warning(
                "hub receiver failed",
                extra={
                    "feed_id": feed.pk,
                    "hub": hub_url,
                    "receiver": getattr(receiver, "__name__", ""),
                    "error": repr(outcome),
                },
            )


def _track_redirect(feed: Feed, result: FetchResult) -> None:
    """Follow a permanent feed move only after it persisted over several fetches (feed-hijack protection)."""
    moved_to = result.final_url if result.permanent_redirect and result.final_url != feed.url else ""
    if not moved_to:
        feed.redirect_candidate, feed.redirect_seen = "", 0
        return
    if feed.redirect_candidate == moved_to:
        feed.redirect_seen += 1
    else:
        feed.redirect_candidate, feed.redirect_seen = moved_to, 1
    if feed.redirect_seen >= REDIRECT_CONFIRMATIONS and not Feed.objects.filter(url=moved_to).exists():
        log.info("feed moved", extra={"feed_id": feed.pk, "old": feed.url, "new": moved_to})
        feed.url, feed.redirect_candidate, feed.redirect_seen = moved_to, "", 0


def _entries_last_week(feed: Feed, report: RefreshReport) -> int:
    """Articles of the feed published in the last week (its schedule follows them). The runner reads them for a
    whole batch in one query before the refreshes (`entries_last_week` on the feed); this refresh's new articles
    are added as this week's (they almost all are, and the schedule needs a rate, not an exact count)."""
    known = getattr(feed, "entries_last_week", None)
    if known is not None:
        return known + report.items_new
    since = timezone.now() - timedelta(seconds=WEEK_S)
    return Article.objects.filter(feed=feed, published_at__gte=since).count()


FEED_STATE_FIELDS = [
    "url",
    "title",
    "etag",
    "last_modified",
    "next_check_at",
    "last_checked_at",
    "last_success_at",
    "check_interval_s",
    "consecutive_errors",
    "last_error",
    "is_paused",
    "paused_reason",
    "redirect_candidate",
    "redirect_seen",
]


def _page_note(report: RefreshReport, *, limits: str) -> str:
    """The fetch log's lines about the entries: failures, deferrals, notes (a few of each, with totals)."""
    lines = []
    if report.pages_failed:
        failed = report.pages_failed
        lines.append(f"{failed} article page{pluralize(failed)} failed: " + "; ".join(report.page_errors[:5]))
    if report.entries_deferred:
        deferred = report.entries_deferred
        lines.append(f"{deferred} entr{pluralize(deferred, 'y,ies')} deferred to later refreshes ({limits})")
    if report.entries_waiting:
        waiting = report.entries_waiting
        lines.append(f"{waiting} failed entr{pluralize(waiting, 'y waits for its,ies wait for their')} retry")
    if report.items_moved:
        moved = report.items_moved
        lines.append(f"{moved} stored article{pluralize(moved)} found under a new address: moved, not new")
    if report.page_notes:
        lines.append("; ".join(report.page_notes[:5]))
    return "\n".join(lines)


@dataclass
class RefreshRecord:
    """What one refresh writes: the feed's new state (set on `feed`) and its fetch-log row (not saved yet)."""

    feed: Feed
    attempt: FetchAttempt


def _record_build(
    feed: Feed,
    report: RefreshReport,
    *,
    started,
    duration_ms: int,
    retry_after_s: float | None,
    lease_s: int,
    context_limits: str,
) -> RefreshRecord:
    now = timezone.now()
    feed.last_checked_at = now
    if report.outcome in (FetchAttempt.Outcome.OK, FetchAttempt.Outcome.NOT_MODIFIED):
        if report.outcome == FetchAttempt.Outcome.OK or feed.consecutive_errors:
            # A 304 means the document is unchanged, so a warning about it still holds.
            feed.last_error = report.warning
        feed.consecutive_errors = 0
        feed.last_success_at = now
        feed.next_check_at = next_check_after_success(
            now=now, entries_last_week=_entries_last_week(feed, report), retry_after_s=retry_after_s
        )
    elif report.outcome == FetchAttempt.Outcome.DEFERRED:
        feed.next_check_at = now + timedelta(seconds=max(1, int(retry_after_s or 0)) + random.randint(0, 30))
    else:
        feed.consecutive_errors += 1
        feed.last_error = report.error[:2000]
        feed.next_check_at = next_check_after_error(
            now=now, consecutive_errors=feed.consecutive_errors, retry_after_s=retry_after_s
        )
        if feed.consecutive_errors >= PAUSE_AFTER_ERRORS:
            feed.is_paused = True
            feed.paused_reason = f"paused after {feed.consecutive_errors} consecutive errors; last: {report.error}"[
                :500
            ]
    if report.pages_skipped_claimed:
        # Pages held by another (maybe dead) worker: come back once such a claim must have expired.
        feed.next_check_at = min(feed.next_check_at, now + timedelta(seconds=lease_s))
    if report.entries_deferred:
        feed.next_check_at = min(feed.next_check_at, now + timedelta(seconds=DEFERRED_RECHECK_S))
    if report.next_retry_at is not None:
        feed.next_check_at = min(feed.next_check_at, max(now, report.next_retry_at))
    feed.check_interval_s = max(0, int((feed.next_check_at - now).total_seconds()))
    page_note = _page_note(report, limits=context_limits)
    attempt = FetchAttempt(
        feed=feed,
        started_at=started,
        duration_ms=duration_ms,
        outcome=report.outcome,
        status_code=report.status,
        bytes_received=report.bytes_received,
        items_found=report.items_found,
        items_new=report.items_new,
        items_updated=report.items_updated,
        error="\n".join(x for x in (report.error, report.warning, page_note) if x)[:4000],
    )
    return RefreshRecord(feed=feed, attempt=attempt)


def _feed_states_write(feeds: list[Feed], fields: list[str]) -> None:
    """UPDATE each feed's `fields` with one prepared statement for the whole list (executemany). The ORM's
    bulk_update builds a CASE per field and row and costs ten times more here, and the batch's bookkeeping is
    the hot path of a 304 cycle."""
    if not feeds:
        return
    columns = [Feed._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    sql = f"UPDATE {quote(Feed._meta.db_table)} SET {assignments} WHERE {quote(Feed._meta.pk.column)} = %s"  # noqa: S608 (names from the model, values as parameters)
    rows = [
        [column.get_db_prep_save(getattr(feed, column.attname), connection) for column in columns] + [feed.pk]
        for feed in feeds
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


@writes_serialized()
def refresh_records_write(records: list[RefreshRecord], *, owner: str, release: bool = False) -> None:
    """Write refreshes' results in one transaction (a worker writes a whole batch at once: one lock of the
    database instead of one per feed). With `owner`, a feed's state is written only while its lease is ours — a
    worker that lost a lease must not overwrite what the new holder recorded; its attempt is still logged (the
    fetch did happen). `release` gives the leases back in the same statement.

    When a refresh among them stored or changed articles, the content version is bumped once, after the write:
    every cached page, feed and API answer then shows the batch (a batch's articles appear together)."""
    if not records:
        return
    with transaction.atomic():
        feeds = [record.feed for record in records]
        if owner:
            held = Feed.objects.select_for_update().filter(pk__in=[feed.pk for feed in feeds], lease_owner=owner)
            ours = set(held.values_list("pk", flat=True))
            for lost in (feed for feed in feeds if feed.pk not in ours):
                log.warning("feed lease lost", extra={"feed_id": lost.pk, "owner": owner})
            feeds = [feed for feed in feeds if feed.pk in ours]
        fields = list(FEED_STATE_FIELDS)
        if owner and release:
            for feed in feeds:
                feed.lease_owner, feed.lease_expires_at = "", None
            fields += ["lease_owner", "lease_expires_at"]
        _feed_states_write(feeds, fields)
        FetchAttempt.objects.bulk_create([record.attempt for record in records])
    if any(record.attempt.items_new or record.attempt.items_updated for record in records):
        content_version_bump(soft=True)  # news only: cached pages may be re-rendered in the background


def _page_lease_s(lease_s: int, *, leased: bool) -> int:
    return max(1, int(lease_s * PAGE_LEASE_SHARE)) if leased else lease_s


def feed_refresh(
    *,
    feed: Feed,
    context: IngestContext,
    owner: str = "",
    lease_s: int = PAGE_LEASE_S,
    records: list[RefreshRecord] | None = None,
) -> RefreshReport:
    """Fetch one feed (conditionally), store its new articles, log the attempt and schedule the next one.

    `owner` is the worker's lease identity; with it, the feed row is only updated while the lease is ours.
    With `records`, the feed's state and fetch-log row are appended there for the caller to write with
    `refresh_records_write` (the runner writes a batch at once); without, they are written now.
    """
    report = RefreshReport(feed_id=feed.pk)
    page_owner = owner or f"refresh:{uuid.uuid4().hex[:12]}"
    started, t0 = timezone.now(), time.monotonic()
    retry_after_s: float | None = None
    try:
        if refusal := context.robots_refusal(feed.url):
            raise FetchError(refusal, url=feed.url)  # a rule of the site, or why its robots.txt could not be read
        result = context.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        report.status, report.bytes_received = result.status, len(result.body)
        retry_after_s = result.retry_after_s() if result.status in (429, 503) else None
        _track_redirect(feed, result)
        if result.status == 304:
            report.outcome = FetchAttempt.Outcome.NOT_MODIFIED
        elif result.status != 200:
            report.outcome, report.error = FetchAttempt.Outcome.ERROR, f"HTTP {result.status}"
        else:
            parsed = parse_feed(result.body, url=result.final_url, content_type=result.content_type)
            if parsed.title and not feed.title:
                feed.title = parsed.title[:300]
            report.items_found = len(parsed.entries)
            if parsed.hub_url:
                _hub_announce(feed, parsed.hub_url, context)
            if parsed.recovered:
                report.warning = f"feed is malformed ({parsed.recovered}): {len(parsed.entries)} entries recovered"
            entries_ingest(
                feed=feed,
                entries=entries_newest_first(parsed.entries),
                context=context,
                report=report,
                owner=page_owner,
                lease_s=_page_lease_s(lease_s, leased=bool(owner)),
            )
            if report.new_article_ids:
                # Wire-copy groups and stories of what this refresh stored, in one assignment turn.
                articles_stories_update(articles=list(Article.objects.filter(pk__in=report.new_article_ids)))
            if report.unplaced_article_ids:
                placed = list(Article.objects.filter(pk__in=set(report.unplaced_article_ids)))
                articles_stories_complete(articles=placed)
                log.warning("stored articles placed late", extra={"feed_id": feed.pk, "articles": len(placed)})
            if report.items_moved:
                content_version_bump(soft=True)  # their pages link to the publisher's new address
            if report.updated_article_ids:
                # Edited in place: their groups and stories are recomputed without them, then they are placed again.
                articles_stories_revise(articles=list(Article.objects.filter(pk__in=report.updated_article_ids)))
            # Keep the validators only when every entry was handled: otherwise the next fetch would be a 304 and
            # the pages that failed, were deferred or that another worker held would never be looked at again.
            if not report.work_left:
                feed.etag, feed.last_modified = result.etag[:500], result.last_modified[:100]
    except HostBusy as exc:
        # Our politeness, not the feed's failure: its error count and health stay as they were, and it is looked
        # at again once the host's wait is over (counted as errors, the feeds of a host that asked for hours were
        # shown failing and could be paused).
        report.outcome, report.error = FetchAttempt.Outcome.DEFERRED, exc.describe()
        retry_after_s = exc.seconds
    except FeedParseError as exc:
        report.outcome, report.error = FetchAttempt.Outcome.ERROR, f"feed could not be parsed: {exc}"
    except FetchError as exc:
        report.outcome, report.error = FetchAttempt.Outcome.ERROR, exc.describe()
    except Exception as exc:  # whatever one feed triggers ends its refresh, not the cycle
        if database_unavailable(exc):
            raise  # the database went away: not the feed's fault, nothing to record against it (see runner)
        report.outcome, report.error = FetchAttempt.Outcome.ERROR, f"{REFRESH_FAILED}: {one_line(exc)}"
        log.warning("feed refresh failed", extra={"feed_id": feed.pk, "error": report.error})
        log.debug("feed refresh failed", exc_info=True)
    duration_ms = int((time.monotonic() - t0) * 1000)
    record = _record_build(
        feed,
        report,
        started=started,
        duration_ms=duration_ms,
        retry_after_s=retry_after_s,
        lease_s=lease_s,
        context_limits=context.limits.describe(),
    )
    if records is None:
        refresh_records_write([record], owner=owner)
    else:
        records.append(record)
    log.info(
        "feed refreshed",
        extra={"feed_id": feed.pk, "outcome": report.outcome, "status": report.status, "new": report.items_new},
    )
    return report


@writes_serialized()
def feed_refresh_failed(*, feed: Feed, owner: str, error: str) -> None:
    """Record a refresh that failed outside feed_refresh's own bookkeeping: the feed counts as checked and backs
    off like any failing feed, so the cycle does not claim it again at once."""
    now = timezone.now()
    errors = feed.consecutive_errors + 1
    rows = Feed.objects.filter(pk=feed.pk)
    with transaction.atomic():
        rows.filter(lease_owner=owner).update(
            last_checked_at=now,
            consecutive_errors=errors,
            last_error=error[:2000],
            next_check_at=next_check_after_error(now=now, consecutive_errors=errors),
        )
        FetchAttempt.objects.create(feed=feed, started_at=now, outcome=FetchAttempt.Outcome.ERROR, error=error[:4000])
