"""Articles as we store them: cleaned text plus everything needed to attribute them to their source."""

from django.db import models

from newsdesk.common.url_patterns import url_for
from newsdesk.sources.fields import LanguageField
from newsdesk.sources.models import Feed, Publisher
from newsdesk.sources.selectors import publisher_shown


class Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return url_for("site:category", self.slug)


class Article(models.Model):
    publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE, related_name="articles")
    feed = models.ForeignKey(Feed, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles")
    category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles")
    canonical_url = models.URLField(max_length=2000, unique=True)
    original_url = models.URLField(max_length=2000, help_text="The URL we found the article at (feed link).")
    guid = models.CharField(max_length=2000, blank=True)
    title = models.CharField(max_length=500)
    original_title = models.CharField(max_length=500, help_text="The headline exactly as the publisher gave it.")
    byline = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    fetched_at = models.DateTimeField()
    # ParsedEntry.fingerprint of the item in `feed` when we last fetched the page: a change means an edit (RSS).
    feed_entry_hash = models.CharField(max_length=64, blank=True, default="")
    language = LanguageField(blank=True)
    summary = models.TextField(blank=True)
    body_html = models.TextField(blank=True, help_text="Sanitized with nh3; safe to render.")
    body_text = models.TextField(blank=True)
    image_url = models.URLField(max_length=2000, blank=True)
    # Names our own renditions of the lead image (newsdesk.media fills it); "" until they are stored.
    image_key = models.CharField(max_length=64, blank=True)
    # The byte size of the stored lead rendition (written with image_key): a feed enclosure's length, read here so a
    # feed asks the image storage nothing (object storage would answer each stat with a request). 0: not known.
    image_bytes = models.PositiveIntegerField(default=0)
    wire_credit = models.CharField(max_length=100, blank=True, help_text="News agency credited, e.g. AFP, Reuters, AP.")
    content_hash = models.CharField(max_length=64, db_index=True)
    # The publisher asked search engines not to keep a copy (robots noarchive): we show no more than an excerpt.
    noarchive = models.BooleanField(default=False)
    # The page's display limits (nosnippet, max-snippet:N, noimageindex, …), read by articles.policy.
    robots_directives = models.CharField(max_length=200, blank=True)
    # Text the search index may see, chosen by the display policy so hidden text is never searchable.
    search_text = models.TextField(blank=True)
    # Snowball stems of title + search_text in the article's language (articles.search.article_stems), indexed
    # beside them so "elections" finds "election"; derived from search_text, so it hides what that hides.
    search_stems = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The condition that some surface shows an article (its publisher active, not blocked): the reads of
    # articles.selectors filter by it, and so does anything that resolves an article by id alone (comment targets).
    SHOWN = publisher_shown("publisher__")

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["publisher", "-published_at"]),
            models.Index(fields=["category", "-published_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return url_for("site:article", self.pk)


class SearchReindexRequest(models.Model):
    """A publisher whose articles' search text must be derived again under its current display policy. The request
    that changed the policy (an admin's save) leaves one here; a worker's periodic job carries it out
    (articles.reindex.search_reindex_due), so no request reindexes thousands of articles itself."""

    publisher = models.OneToOneField(Publisher, on_delete=models.CASCADE, primary_key=True, related_name="+")
    requested_at = models.DateTimeField()
    # Moved on by every request: the job deletes the row only if none came while it ran.
    generation = models.PositiveIntegerField(default=1)
    # A pending change that shows less (full text to headline, a shorter excerpt): until it is carried out, search
    # leaves the publisher's articles out, so text no longer shown is never found.
    hides_more = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"search reindex of publisher {self.publisher_id} (requested {self.requested_at:%Y-%m-%d %H:%M:%S})"


class ArticleAddress(models.Model):
    """An address an article had before its publisher moved it (a new slug, http→https, a new domain): ingest finds
    the article by it, so a fetch of the old address is the same article again, not a new one (the article keeps its
    id, so its page on our site does not move)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="former_addresses")
    url = models.URLField(max_length=2000, unique=True)
    moved_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "article addresses"

    def __str__(self) -> str:
        return f"{self.url} → article {self.article_id}"
