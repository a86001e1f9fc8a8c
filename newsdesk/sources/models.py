"""Publishers we aggregate and the feeds we poll for them."""

from django.db import models

from newsdesk.common.url_patterns import url_for
from newsdesk.sources.fields import LanguageField


class Publisher(models.Model):
    class DisplayPolicy(models.TextChoices):
        FULL = "full", "Full text"
        EXCERPT = "excerpt", "Excerpt only"
        HEADLINE = "headline", "Headline only"
        BLOCKED = "blocked", "Blocked (shown nowhere)"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    homepage = models.URLField(max_length=2000)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    language = LanguageField(blank=True, help_text="BCP 47 primary subtag, e.g. en, fr, de, es (en-US is stored as en)")
    display_policy = models.CharField(max_length=10, choices=DisplayPolicy.choices, default=DisplayPolicy.EXCERPT)
    excerpt_words = models.PositiveSmallIntegerField(default=60, help_text="Words an excerpt may show.")
    contact_domain = models.CharField(
        max_length=253, blank=True, help_text="Domain whose owner may file takedowns (e-mail or DNS proof)."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return url_for("site:publisher", self.slug)


class Feed(models.Model):
    class Kind(models.TextChoices):
        RSS = "rss", "RSS"
        ATOM = "atom", "Atom"
        JSONFEED = "jsonfeed", "JSON Feed"
        SITEMAP = "sitemap", "News sitemap"

    publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE, related_name="feeds")
    url = models.URLField(max_length=2000, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.RSS)
    title = models.CharField(max_length=300, blank=True)
    # Conditional GET validators from the last 200 response.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    # Scheduling and health.
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    check_interval_s = models.PositiveIntegerField(default=900)
    consecutive_errors = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    is_paused = models.BooleanField(default=False)
    paused_reason = models.CharField(max_length=500, blank=True)
    # A permanent redirect only replaces `url` once it has been seen several fetches in a row.
    redirect_candidate = models.URLField(max_length=2000, blank=True)
    redirect_seen = models.PositiveIntegerField(default=0)
    # Lease: a worker owns the feed until lease_expires_at; an expired lease may be taken by another worker.
    lease_owner = models.CharField(max_length=100, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["publisher__name", "url"]

    def __str__(self) -> str:
        return self.url


class OpmlTransfer(Feed):
    """No table of its own: gives the admin an "OPML import / export" entry (see admin_opml.py)."""

    class Meta:
        proxy = True
        verbose_name = "OPML import / export"
        verbose_name_plural = "OPML import / export"
