"""What one feed refresh did, as the fetch log and the progress bar show it."""

from dataclasses import dataclass, field
from datetime import datetime

from newsdesk.ingest.models import FetchAttempt

MAX_LISTED = 50  # per list: the fetch log shows a few, counters keep the totals


def one_line(error: BaseException) -> str:
    """An exception as one short line for the fetch log: its type, then its message without newlines."""
    message = " ".join(str(error).split())
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return text[:300]


@dataclass
class RefreshReport:
    feed_id: int
    outcome: str = FetchAttempt.Outcome.OK
    status: int | None = None
    items_found: int = 0
    items_new: int = 0
    items_updated: int = 0
    items_moved: int = 0  # stored articles found under a new address (same publisher, title and text): not new
    bytes_received: int = 0
    page_errors: list[str] = field(default_factory=list)
    error: str = ""
    warning: str = ""  # the fetch worked but something is off (shown in the admin, not counted as a failure)
    pages_skipped_claimed: int = 0  # pages another worker held at that moment
    page_notes: list[str] = field(default_factory=list)  # stored, but worth a line in the fetch log
    pages_failed: int = 0
    entries_to_retry: int = 0  # failed this time, tried again after a backoff
    entries_waiting: int = 0  # failed before, their backoff not over yet
    entries_deferred: int = 0  # over this refresh's caps: left for the next refreshes
    edits_waiting: int = 0  # edited since we fetched them, but fetched less than REFETCH_AFTER ago
    entries_taken_down: int = 0  # a takedown's tombstone covers them: never fetched nor stored
    next_retry_at: datetime | None = None  # the earliest backoff end of this refresh's failed entries
    new_article_ids: list[int] = field(default_factory=list)  # stored this refresh: their stories come next
    updated_article_ids: list[int] = field(default_factory=list)  # changed in place: regrouped next
    # Stored before, but in no story (that refresh was cut short before placing them): placed by this one.
    unplaced_article_ids: list[int] = field(default_factory=list)

    def page_failed(self, message: str) -> None:
        self.pages_failed += 1
        if len(self.page_errors) < MAX_LISTED:
            self.page_errors.append(message)

    def note(self, message: str) -> None:
        if len(self.page_notes) < MAX_LISTED:
            self.page_notes.append(message)

    @property
    def work_left(self) -> bool:
        """Entries that a later refresh of the same document must still look at."""
        return bool(
            self.entries_to_retry
            or self.entries_waiting
            or self.entries_deferred
            or self.pages_skipped_claimed
            or self.edits_waiting
        )
