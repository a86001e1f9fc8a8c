"""The image proxy's writes: fetch an article's lead image through the hardened fetcher, check and re-encode it
(newsdesk.reader.images), store the renditions under content-hashed names and point the article at them.

Runs in the workers, never in a request. An image the display policy forbids (headline-only, noimageindex,
blocked publisher) is never fetched; one the policy forbids later is simply not shown (articles.presentation).
"""

import logging
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.articles.policy import article_rule
from newsdesk.articles.selectors import article_list
from newsdesk.common.content_version import content_version_bump
from newsdesk.media.models import ArticleImage
from newsdesk.reader.fetcher import BlockedAddress, BlockedScheme, FetchError, FetchOptions, InvalidURL, fetch
from newsdesk.reader.fetcher import ResponseTooLarge as FetchTooLarge
from newsdesk.reader.images import TOO_MANY_BYTES, ImageLimits, ImageRefused, ProcessedImage, image_process

log = logging.getLogger(__name__)

IMAGE_ACCEPT = "image/webp, image/png, image/jpeg, image/gif;q=0.8"
HTTP_STATUS = "the image URL answered HTTP {status}"
# Refusals are about the URL or the bytes and would repeat; failures may not, but are not retried for one URL.
REFUSED_BY_FETCHER = (BlockedAddress, BlockedScheme, InvalidURL)


@dataclass
class ImageStepReport:
    stored: list[int] = field(default_factory=list)  # article ids
    refused: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def image_limits_from_settings() -> ImageLimits:
    return ImageLimits(max_bytes=settings.NEWSDESK_IMAGE_MAX_BYTES, max_pixels=settings.NEWSDESK_IMAGE_MAX_PIXELS)


def articles_with_image_due() -> QuerySet[Article]:
    """Visible articles naming a lead image we have not tried yet (or whose image URL changed), newest first."""
    tried = Q(lead_image__isnull=False) & Q(lead_image__source_url=F("image_url"))
    return article_list().exclude(image_url="").exclude(tried).order_by("-id")


def images_fetch_due(*, options: FetchOptions, limit: int | None = 50) -> ImageStepReport:
    """One pass of the image proxy over at most `limit` due articles (None: all of them)."""
    report = ImageStepReport()
    limits = image_limits_from_settings()
    due = articles_with_image_due()
    for article in due if limit is None else due[:limit]:
        outcome = article_image_fetch(article=article, options=options, limits=limits)
        {
            ArticleImage.Outcome.READY: report.stored,
            ArticleImage.Outcome.REFUSED: report.refused,
            ArticleImage.Outcome.FAILED: report.failed,
        }[outcome.outcome].append(article.pk)
    if report.stored:
        content_version_bump(soft=True)  # pages now show the new images (nothing goes away)
    return report


def article_image_fetch(*, article: Article, options: FetchOptions, limits: ImageLimits) -> ArticleImage:
    """Bring `article`'s lead image under our roof, or record why not; the article's image_key follows."""
    source_url = article.image_url
    if not article_rule(article).show_image:
        return _record(article, source_url, ArticleImage.Outcome.REFUSED, reason="the display policy forbids images")
    try:
        result = fetch(source_url, options=replace(options, max_bytes=limits.max_bytes), accept=IMAGE_ACCEPT)
    except FetchTooLarge:
        return _record(article, source_url, ArticleImage.Outcome.REFUSED, TOO_MANY_BYTES.format(limit=limits.max_bytes))
    except REFUSED_BY_FETCHER as error:
        return _record(article, source_url, ArticleImage.Outcome.REFUSED, error.describe())
    except FetchError as error:
        return _record(article, source_url, ArticleImage.Outcome.FAILED, error.describe())
    if result.status != 200:
        return _record(article, source_url, ArticleImage.Outcome.FAILED, HTTP_STATUS.format(status=result.status))
    try:
        processed = image_process(result.body, limits=limits)
    except ImageRefused as error:
        return _record(article, source_url, ArticleImage.Outcome.REFUSED, str(error))
    _store(processed)
    return _record(article, source_url, ArticleImage.Outcome.READY, processed=processed)


def _store(processed: ProcessedImage) -> None:
    """Write the renditions; names are content hashes, so one already there holds these very bytes."""
    storage = storages["images"]
    for rendition in processed.renditions:
        name = f"{processed.key}-{rendition.name}.webp"
        if not storage.exists(name):
            storage.save(name, ContentFile(rendition.data))


def _lead_bytes(processed: ProcessedImage) -> int:
    """The byte size of the lead rendition, the one feeds link as an enclosure (articles.presentation)."""
    return next(len(rendition.data) for rendition in processed.renditions if rendition.name == "lead")


@transaction.atomic
def _record(
    article: Article,
    source_url: str,
    outcome: str,
    reason: str = "",
    processed: ProcessedImage | None = None,
) -> ArticleImage:
    key = processed.key if processed else ""
    row, _ = ArticleImage.objects.update_or_create(
        article=article,
        defaults={
            "source_url": source_url,
            "outcome": outcome,
            "reason": reason[:300],
            "key": key,
            "width": processed.width if processed else 0,
            "height": processed.height if processed else 0,
            "attempted_at": timezone.now(),
        },
    )
    size = _lead_bytes(processed) if processed else 0
    Article.objects.filter(pk=article.pk).update(image_key=key, image_bytes=size)
    article.image_key, article.image_bytes = key, size
    if outcome != ArticleImage.Outcome.READY:
        log.info("image not stored", extra={"article_id": article.pk, "outcome": outcome, "reason": reason})
    return row
