"""What ingestion did: one row per feed fetch, the fetch log shown in the admin."""

from django.db import models

from newsdesk.sources.models import Feed


class FetchAttempt(models.Model):
    class Outcome(models.TextChoices):
        OK = "ok", "OK"
        NOT_MODIFIED = "not_modified", "Not modified"
        ERROR = "error", "Error"
        REFUSED = "refused", "Refused"
        # Not sent: the feed's host asked every worker to wait (429/503 Retry-After); no failure of the feed's.
        DEFERRED = "deferred", "Deferred"

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField(db_index=True)
    duration_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    bytes_received = models.PositiveIntegerField(default=0)
    items_found = models.PositiveIntegerField(default=0)
    items_new = models.PositiveIntegerField(default=0)
    items_updated = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.feed_id} {self.outcome} {self.started_at:%Y-%m-%d %H:%M}"


class PageClaim(models.Model):
    """A short lease on one article URL, so two workers (whose feeds share an article) never fetch it at once."""

    key = models.CharField(max_length=64, unique=True, help_text="sha256 of the canonical URL")
    url = models.URLField(max_length=2000)
    owner = models.CharField(max_length=100)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.url} ({self.owner})"


class HostThrottle(models.Model):
    """What every worker (on any host) must respect for one origin.

    `next_allowed_at`: the next start time for an origin that asked for a Crawl-delay; each request reserves
    its start here, so the delay holds across all worker processes, not only within one.
    `blocked_until`: the origin answered 429/503 with Retry-After; no worker sends to it before then.
    """

    origin = models.CharField(max_length=300, unique=True)
    next_allowed_at = models.DateTimeField()
    blocked_until = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.origin} @ {self.next_allowed_at:%H:%M:%S}"


class EntryFailure(models.Model):
    """An article page that could not be handled: retried with backoff on later refreshes, given up after a few
    tries, so one bad page neither blocks its feed nor is fetched forever. Deleted once the page is stored."""

    key = models.CharField(max_length=64, unique=True, help_text="sha256 of the canonical URL")
    url = models.URLField(max_length=2000)
    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="entry_failures")
    tries = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    last_tried_at = models.DateTimeField()
    next_try_at = models.DateTimeField(db_index=True)
    given_up = models.BooleanField(default=False)

    def __str__(self) -> str:
        state = "given up" if self.given_up else f"retry at {self.next_try_at:%Y-%m-%d %H:%M}"
        return f"{self.url} ({self.tries} tries, {state})"


class PeriodicJob(models.Model):
    """A piece of housekeeping every worker offers to do (closing quiet stories, say), done by one of them per
    period: the worker whose conditional UPDATE moves `next_run_at` on runs it, the others find it not due."""

    name = models.CharField(max_length=50, unique=True)
    next_run_at = models.DateTimeField()
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_owner = models.CharField(max_length=100, blank=True, help_text="The worker that ran it last.")
    last_outcome = models.CharField(max_length=500, blank=True, help_text="What it did, or why it failed.")

    def __str__(self) -> str:
        return f"{self.name} (next at {self.next_run_at:%Y-%m-%d %H:%M})"
