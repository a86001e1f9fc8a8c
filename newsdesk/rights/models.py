"""Takedown requests, the tombstones that keep removed material out for good, and the hash-chained audit log."""

from django.db import models

from newsdesk.sources.models import Publisher


class TakedownRequest(models.Model):
    """A notice (DMCA §512(c)(3) / DSA Art. 16 elements) and where it stands.

    received → verified → removed, or rejected with a statement of reasons; a removed request may later be
    reinstated (after a counter-notice, say) with a reason. `deadline` is the SLA clock: received + 24 h, restarted
    at verified + 24 h when verification comes in (services.py).
    """

    class State(models.TextChoices):
        RECEIVED = "received", "Received"
        VERIFIED = "verified", "Verified"
        REMOVED = "removed", "Removed"
        REJECTED = "rejected", "Rejected"
        REINSTATED = "reinstated", "Reinstated"

    class Method(models.TextChoices):
        NONE = "", "Not verified"
        EMAIL = "email", "E-mail at the publisher's domain"
        DNS = "dns", "DNS TXT record"
        META = "meta", "Meta tag on the site"
        FILE = "file", "Well-known file on the site"
        OPERATOR = "operator", "Operator's decision"

    requester_name = models.CharField(max_length=200)
    requester_email = models.EmailField(max_length=254)
    organisation = models.CharField(max_length=200, blank=True)
    contact = models.TextField(blank=True, help_text="Postal address or telephone (DMCA §512(c)(3)(A)(iv)).")
    work = models.TextField(blank=True, help_text="The work or right the requester says is infringed.")
    # One URL per entry (as typed); or a whole domain / path prefix (then `urls` is empty).
    urls = models.JSONField(default=list, blank=True)
    prefix = models.CharField(max_length=2000, blank=True, help_text="A whole domain or path prefix.")
    publisher = models.ForeignKey(Publisher, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    good_faith = models.BooleanField(default=False, help_text="Good-faith belief the use is not authorised.")
    accurate = models.BooleanField(default=False, help_text="The notice is accurate, under penalty of perjury.")
    signature = models.CharField(max_length=200)
    state = models.CharField(max_length=12, choices=State.choices, default=State.RECEIVED, db_index=True)
    received_at = models.DateTimeField(db_index=True)
    deadline = models.DateTimeField(db_index=True)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The token the requester puts in a DNS TXT record, a meta tag or a well-known file.
    verification_token = models.CharField(max_length=64, unique=True)
    verification_method = models.CharField(max_length=10, choices=Method.choices, blank=True, default="")
    verified_at = models.DateTimeField(null=True, blank=True)
    last_check_at = models.DateTimeField(null=True, blank=True)
    last_check_result = models.CharField(max_length=500, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    articles_removed = models.PositiveIntegerField(default=0)
    rejected_at = models.DateTimeField(null=True, blank=True)
    reasons = models.TextField(blank=True, help_text="Statement of reasons (rejection or reinstatement).")
    reminded_at = models.DateTimeField(null=True, blank=True)
    counter_notice = models.TextField(blank=True)
    counter_notice_at = models.DateTimeField(null=True, blank=True)
    reinstated_at = models.DateTimeField(null=True, blank=True)
    # sha256 of the client's address with the secret key: enough for the rate limit, not a stored IP.
    client_key = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"takedown {self.pk} ({self.state})"

    @property
    def targets(self) -> list[str]:
        return [self.prefix] if self.prefix else list(self.urls)


class Tombstone(models.Model):
    """What may never be ingested again while active: one URL identity (every variant of it), a whole domain or
    path prefix, or one text (a content hash) at one publisher — its wire copies under other URLs."""

    class Kind(models.TextChoices):
        URL = "url", "URL and its variants"
        PREFIX = "prefix", "Domain or path prefix"
        TEXT = "text", "Text at this publisher"

    kind = models.CharField(max_length=6, choices=Kind.choices)
    # reader.urls.url_identity_key for URL and PREFIX; the article content hash for TEXT.
    key = models.CharField(max_length=2000, db_index=True)
    publisher = models.ForeignKey(Publisher, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    url = models.CharField(max_length=2000, blank=True, help_text="The URL or prefix as the request named it.")
    request = models.ForeignKey(TakedownRequest, on_delete=models.PROTECT, related_name="tombstones")
    is_active = models.BooleanField(default=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["is_active", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind}: {self.key[:80]}"


class RemovedArticle(models.Model):
    """The id of an article a takedown removed: its page and API item answer 410 Gone, not 404 (ids are never
    reused). Kept after a reinstatement: the material may come back, but under a new id."""

    article_id = models.BigIntegerField(primary_key=True)
    request = models.ForeignKey(TakedownRequest, on_delete=models.PROTECT, related_name="removed_articles")
    removed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"article {self.article_id} (takedown {self.request_id})"


class AuditEntry(models.Model):
    """One step, append-only: `entry_hash` = sha256(prev_hash + canonical JSON of the entry) (rights/audit.py).
    Rows are never updated or deleted by the code; `newsdesk audit verify` finds one that was."""

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    action = models.CharField(max_length=40)
    actor = models.CharField(max_length=200, blank=True)
    request_id_ref = models.BigIntegerField(null=True, blank=True, db_index=True, help_text="TakedownRequest id.")
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"
