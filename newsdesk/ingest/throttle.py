"""What every worker respects per origin, kept in the database: Crawl-delay start times and 429/503 pauses."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from newsdesk.common.database import writes_serialized
from newsdesk.ingest.models import HostThrottle
from newsdesk.reader.fetcher.politeness import MAX_CRAWL_DELAY_S
from newsdesk.reader.urls import url_origin


def _locked_origin_row(url: str, **defaults) -> HostThrottle:
    """The row of `url`'s origin, created with `defaults` if need be (get_or_create settles a creation race),
    locked until the surrounding transaction ends."""
    origin = url_origin(url)[:300]
    HostThrottle.objects.get_or_create(origin=origin, defaults=defaults)
    return HostThrottle.objects.select_for_update().get(origin=origin)


@writes_serialized()
def host_slot_reserve(*, url: str, interval_s: float) -> float:
    """Reserve the next request slot of `url`'s origin; returns how many seconds the caller must wait first."""
    interval = timedelta(seconds=min(interval_s, MAX_CRAWL_DELAY_S))
    now = timezone.now()
    with transaction.atomic():
        row = _locked_origin_row(url, next_allowed_at=now)
        start = max(now, row.next_allowed_at)
        row.next_allowed_at = start + interval
        row.save(update_fields=["next_allowed_at"])
    return (start - now).total_seconds()


@writes_serialized()
def host_block_record(*, url: str, seconds: float) -> None:
    """An origin answered 429/503 with Retry-After: every worker leaves it alone for `seconds`."""
    now = timezone.now()
    until = now + timedelta(seconds=seconds)
    with transaction.atomic():
        row = _locked_origin_row(url, next_allowed_at=now)
        if row.blocked_until is None or row.blocked_until < until:
            row.blocked_until = until
            row.save(update_fields=["blocked_until"])


def host_blocks_current() -> dict[str, float]:
    """origin -> seconds it stays blocked, for every origin some worker saw a 429/503 from."""
    now = timezone.now()
    rows = HostThrottle.objects.filter(blocked_until__gt=now).values_list("origin", "blocked_until")
    return {origin: (until - now).total_seconds() for origin, until in rows}
