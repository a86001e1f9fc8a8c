"""Crawl-delay across worker processes: reserve the next start time for an origin in the database."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from newsdesk.ingest.models import HostThrottle
from newsdesk.reader.fetcher.politeness import MAX_CRAWL_DELAY_S, origin_key


def host_slot_reserve(*, url: str, interval_s: float) -> float:
    """Reserve the next request slot of `url`'s origin; returns how many seconds the caller must wait first."""
    interval = timedelta(seconds=min(interval_s, MAX_CRAWL_DELAY_S))
    origin = origin_key(url)[:300]
    now = timezone.now()
    for _ in range(2):  # the second round only after losing a race to create the row
        try:
            with transaction.atomic():
                row = HostThrottle.objects.select_for_update().filter(origin=origin).first()
                if row is None:
                    HostThrottle.objects.create(origin=origin, next_allowed_at=now + interval)
                    return 0.0
                start = max(now, row.next_allowed_at)
                row.next_allowed_at = start + interval
                row.save(update_fields=["next_allowed_at"])
                return (start - now).total_seconds()
        except IntegrityError:
            continue
    return interval.total_seconds()


def host_block_record(*, url: str, seconds: float) -> None:
    """An origin answered 429/503 with Retry-After: every worker leaves it alone for `seconds`."""
    origin = origin_key(url)[:300]
    now = timezone.now()
    until = now + timedelta(seconds=seconds)
    for _ in range(2):  # the second round only after losing a race to create the row
        try:
            with transaction.atomic():
                row = HostThrottle.objects.select_for_update().filter(origin=origin).first()
                if row is None:
                    HostThrottle.objects.create(origin=origin, next_allowed_at=now, blocked_until=until)
                elif row.blocked_until is None or row.blocked_until < until:
                    row.blocked_until = until
                    row.save(update_fields=["blocked_until"])
                return
        except IntegrityError:
            continue


def host_blocks_current() -> dict[str, float]:
    """origin -> seconds it stays blocked, for every origin some worker saw a 429/503 from."""
    now = timezone.now()
    rows = HostThrottle.objects.filter(blocked_until__gt=now).values_list("origin", "blocked_until")
    return {origin: (until - now).total_seconds() for origin, until in rows}
