"""What the image proxy knows about each article's lead image: where it came from, whether we serve it, and why not."""

from django.db import models

from newsdesk.articles.models import Article


class ArticleImage(models.Model):
    """One attempt to bring an article's lead image (its `image_url` at the time) under our roof. A new
    `image_url` on the article makes it due again; a refusal or failure is not retried for the same URL."""

    class Outcome(models.TextChoices):
        READY = "ready", "ready"  # renditions stored; Article.image_key names them
        REFUSED = "refused", "refused"  # not an image we serve (format, size, pixels, blocked address)
        FAILED = "failed", "failed"  # the fetch failed (network, HTTP status)

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="lead_image")
    source_url = models.URLField(max_length=2000)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reason = models.CharField(max_length=300, blank=True)
    key = models.CharField(max_length=64, blank=True, help_text="Names the stored renditions (content hash).")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    attempted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"image of article {self.article_id}: {self.outcome}"
