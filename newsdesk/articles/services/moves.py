"""An article found under a new address: the address it had before, or the publisher's stored article with the same
title and text."""

from datetime import datetime, timedelta

from newsdesk.articles.models import Article, ArticleAddress
from newsdesk.sources.models import Publisher

# An article moved to a new address keeps its publication time (a republication may restamp it by some hours; a
# daily column is a day apart).
MOVED_MAX_DATE_GAP = timedelta(hours=12)


def article_formerly_at(*urls: str) -> Article | None:
    """The article that had one of `urls` before it moved (a fetch of its old address is the same article)."""
    address = ArticleAddress.objects.filter(url__in=urls).select_related("article").first()
    return address.article if address is not None else None


def _normalized_title(title: str) -> str:
    return " ".join(title.split())


def article_moved(*, publisher: Publisher, fields: dict) -> Article | None:
    """The publisher's stored article with the same title and the same body text (content hash), which the
    incoming one is under a new address; None when there is none. Without body text there is no move: the hash is
    then the headline's alone, and two articles may share a headline. Another publisher's copy is a wire copy."""
    if not fields["body_text"].strip():
        return None
    title = _normalized_title(fields["title"])
    published = fields.get("published_at")
    candidates = Article.objects.filter(publisher=publisher, content_hash=fields["content_hash"]).order_by("id")
    return next(
        (
            article
            for article in candidates
            if _normalized_title(article.title) == title and not _published_apart(article.published_at, published)
        ),
        None,
    )


def _published_apart(stored: datetime | None, incoming: datetime | None) -> bool:
    """Two publication times more than MOVED_MAX_DATE_GAP apart: not one article moved but a recurring one ("Daily
    briefing") whose paywall teaser repeats word for word. Where either time is unknown, title and text decide."""
    return stored is not None and incoming is not None and abs(stored - incoming) > MOVED_MAX_DATE_GAP
