"""How much one refresh may do, and the per-entry retry state that keeps one bad page from being tried forever.

A feed is publisher input: it may list 250,000 entries, all pointing at one third-party site. A refresh handles
at most `max_entries` entries that need work (newest first) and fetches at most `max_pages` article pages, at most
`max_pages_per_origin` of them from one origin; the rest waits for the next refreshes, which come soon.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from newsdesk.common.database import writes_serialized
from newsdesk.ingest.models import EntryFailure
from newsdesk.ingest.page_claims import url_key
from newsdesk.ingest.schedule import backoff_seconds
from newsdesk.reader.types import ParsedEntry
from newsdesk.reader.urls import url_origin
from newsdesk.sources.models import Feed

ENTRY_MAX_TRIES = 5  # then the entry is given up: 1 + 2 + 4 + 8 minutes of backoff in between
DEFERRED_RECHECK_S = 120  # a feed with deferred entries is looked at again this soon


@dataclass(frozen=True)
class RefreshLimits:
    max_entries: int = 500
    max_pages: int = 200
    max_pages_per_origin: int = 100

    def describe(self) -> str:
        return (
            f"at most {self.max_entries} entries, {self.max_pages} pages and "
            f"{self.max_pages_per_origin} pages per origin per refresh"
        )


class PageBudget:
    """Article pages one refresh may still fetch, in all and per origin."""

    def __init__(self, limits: RefreshLimits) -> None:
        self._limits = limits
        self._spent = 0
        self._per_origin: Counter[str] = Counter()

    def allows(self, url: str) -> bool:
        return self._spent < self._limits.max_pages and self._per_origin[url_origin(url)] < (
            self._limits.max_pages_per_origin
        )

    def spend(self, url: str) -> None:
        self._spent += 1
        self._per_origin[url_origin(url)] += 1


def entries_newest_first(entries: tuple[ParsedEntry, ...] | list[ParsedEntry]) -> list[ParsedEntry]:
    """Dated entries newest first, then the undated ones in feed order (feeds list newest first anyway)."""
    dated = [e for e in entries if (e.published or e.updated) is not None]
    undated = [e for e in entries if (e.published or e.updated) is None]
    dated.sort(key=lambda e: e.published or e.updated, reverse=True)
    return dated + undated


def entry_failures_get(*, urls: list[str]) -> dict[str, EntryFailure]:
    """The retry state of those canonical URLs that failed before, by URL."""
    keys = {url_key(url): url for url in urls}
    return {keys[f.key]: f for f in EntryFailure.objects.filter(key__in=list(keys))}


@writes_serialized()
def entry_failure_record(*, feed: Feed, url: str, reason: str) -> EntryFailure:
    """Count one more failed try of `url`: schedule the next one with backoff, or give up after ENTRY_MAX_TRIES."""
    now = timezone.now()
    key = url_key(url)
    for _ in range(2):  # a concurrent first failure of the same URL wins the insert; then we update its row
        with transaction.atomic():
            failure = EntryFailure.objects.select_for_update().filter(key=key).first()
            if failure is None:
                failure = EntryFailure(key=key, url=url[:2000], feed=feed, tries=0)
            failure.feed = feed
            failure.tries += 1
            failure.last_error = reason[:500]
            failure.last_tried_at = now
            failure.given_up = failure.tries >= ENTRY_MAX_TRIES
            failure.next_try_at = now + timedelta(seconds=backoff_seconds(failure.tries))
            try:
                with transaction.atomic():
                    failure.save()
                return failure
            except IntegrityError:
                continue
    return failure


ENTRY_TAKEN_DOWN = "taken down: the page is material removed on a takedown notice"


@writes_serialized()
def entry_taken_down_record(*, feed: Feed, url: str) -> None:
    """Give `url` up at once: its page turned out to be taken-down material (its canonical URL or its text)."""
    now = timezone.now()
    EntryFailure.objects.update_or_create(
        key=url_key(url),
        defaults={
            "url": url[:2000],
            "feed": feed,
            "tries": 1,
            "last_error": ENTRY_TAKEN_DOWN,
            "last_tried_at": now,
            "next_try_at": now,
            "given_up": True,
        },
    )


@writes_serialized()
def entry_failure_clear(*, url: str) -> None:
    """The page was stored: forget its failures."""
    EntryFailure.objects.filter(key=url_key(url)).delete()
