"""Leases on feeds, so several worker processes (on several hosts) never refresh one feed at once.

A claim is a row update guarded by the lease columns: on PostgreSQL candidates are picked with
`SELECT … FOR UPDATE SKIP LOCKED`; on SQLite the IMMEDIATE transaction serialises claimers. A worker that dies
keeps its lease only until `lease_expires_at`; then any worker may take the feed again. Articles are keyed by
canonical URL (unique), so redoing a half-finished feed stores nothing twice.

On PostgreSQL lease times come from the database clock, so workers on hosts whose clocks disagree still agree on
when a lease has expired. SQLite has one host by nature and uses the process clock.

`per_origin` bounds how many feeds of one origin are leased at once, across all workers: a refresh sends its
requests one after another, so this bounds the requests any publisher sees from the whole fleet at once (each
process's HostGate bounds its own). Claimers then take turns (an advisory lock on PostgreSQL, the IMMEDIATE
transaction on SQLite), so two of them cannot both fill the last slot of an origin.
"""

from collections import Counter
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, Q

from newsdesk.common.database import database_now, writes_serialized
from newsdesk.reader.urls import url_origin
from newsdesk.sources.models import Feed

DEFAULT_LEASE_S = 300
# With per_origin, how far ahead to look for feeds of origins with a free slot (a few origins may own most feeds).
CANDIDATE_WINDOW = 256
_CLAIM_LOCK = 0x6E657773  # pg_advisory_xact_lock key: "news"


def lease_clock() -> datetime:
    """Now, as the database sees it where several hosts may share it."""
    return database_now()


def _lease_free(now: datetime) -> Q:
    return Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)


def feed_due(now: datetime) -> Q:
    """Feeds whose check time has come (never-checked feeds have none and are due at once)."""
    return Q(next_check_at__isnull=True) | Q(next_check_at__lte=now)


def _claimable(now, *, due_only: bool, checked_before=None):
    qs = Feed.objects.filter(is_paused=False, publisher__is_active=True).filter(_lease_free(now))
    if checked_before is not None:
        qs = qs.filter(Q(last_checked_at__isnull=True) | Q(last_checked_at__lt=checked_before))
    if due_only:
        qs = qs.filter(feed_due(now))
    # Never-checked feeds (no next_check_at) first on every database: PostgreSQL sorts NULLs last by default.
    return qs.order_by(F("next_check_at").asc(nulls_first=True), "id")


@writes_serialized()
def feed_claim(
    *,
    owner: str,
    limit: int,
    lease_s: int = DEFAULT_LEASE_S,
    due_only: bool = True,
    checked_before=None,
    per_origin: int | None = None,
) -> list[Feed]:
    """Lease up to `limit` feeds to `owner` and return them (`checked_before` limits a full pass to unseen feeds;
    `per_origin` caps the feeds of one origin leased at once by all workers together)."""
    if limit < 1:
        return []
    with transaction.atomic():
        if per_origin is not None and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CLAIM_LOCK])
        now = lease_clock()
        qs = _claimable(now, due_only=due_only, checked_before=checked_before)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        if per_origin is None:
            ids = list(qs.values_list("id", flat=True)[:limit])
        else:
            ids = _spread_over_origins(qs, now, limit=limit, per_origin=per_origin)
        if not ids:
            return []
        # Re-check the lease in the UPDATE itself, so a concurrent claimer that got there first wins cleanly.
        Feed.objects.filter(id__in=ids).filter(_lease_free(now)).update(
            lease_owner=owner, lease_expires_at=now + timedelta(seconds=lease_s)
        )
    claimed = {f.id: f for f in Feed.objects.select_related("publisher").filter(id__in=ids, lease_owner=owner)}
    return [claimed[i] for i in ids if i in claimed]  # in claim order: most overdue first


def _spread_over_origins(candidates, now: datetime, *, limit: int, per_origin: int) -> list[int]:
    """The first `limit` candidates whose origin has fewer than `per_origin` feeds leased (by anyone) right now."""
    leased = Feed.objects.filter(lease_expires_at__gt=now).values_list("url", flat=True)
    busy = Counter(url_origin(url) for url in leased)
    ids = []
    for feed_id, url in candidates.values_list("id", "url")[: max(limit * 8, CANDIDATE_WINDOW)]:
        origin = url_origin(url)
        if busy[origin] >= per_origin:
            continue
        busy[origin] += 1
        ids.append(feed_id)
        if len(ids) == limit:
            break
    return ids


@writes_serialized()
def feeds_lease_renew(*, feed_ids: list[int], owner: str, lease_s: int = DEFAULT_LEASE_S) -> set[int]:
    """Extend `owner`'s leases on a whole batch in one statement; returns the ids still ours (the others were
    lost: expired and taken by another worker, or released)."""
    if not feed_ids:
        return set()
    now = lease_clock()
    ours = Feed.objects.filter(pk__in=feed_ids, lease_owner=owner)
    if ours.update(lease_expires_at=now + timedelta(seconds=lease_s)) == len(feed_ids):
        return set(feed_ids)
    return set(ours.values_list("pk", flat=True))


@writes_serialized()
def feed_release(*, feed: Feed, owner: str) -> None:
    Feed.objects.filter(pk=feed.pk, lease_owner=owner).update(lease_owner="", lease_expires_at=None)


@writes_serialized()
def feeds_release(*, feed_ids: list[int], owner: str) -> None:
    """Give back `owner`'s leases on feeds it did not refresh after all (a database outage interrupted them)."""
    if feed_ids:
        Feed.objects.filter(pk__in=feed_ids, lease_owner=owner).update(lease_owner="", lease_expires_at=None)
