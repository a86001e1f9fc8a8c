"""Output shapes of the JSON API. Body fields follow the display policy: full → body_html and body_text,
excerpt → `excerpt` only, headline → no body fields and no image."""

from typing import Any

from newsdesk.articles.models import Article
from newsdesk.articles.policy import visible_body
from newsdesk.articles.presentation import absolute_url, article_policy, article_url, visible_image_url
from newsdesk.sources.models import Publisher


def article_output(article: Article, *, site_url: str) -> dict[str, Any]:
    """The API's shape of `article`; its own `url` on `site_url` (the origin the request should link to)."""
    policy = article_policy(article)
    publisher = article.publisher
    data: dict[str, Any] = {
        "id": article.pk,
        "url": article_url(article, site_url=site_url),
        "title": article.title,
        "publisher": {
            "name": publisher.name,
            "slug": publisher.slug,
            "homepage": publisher.homepage,
            "country": publisher.country,
        },
        "original_url": article.original_url,
        "original_title": article.original_title,
        "wire_credit": article.wire_credit,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "fetched_at": article.fetched_at.isoformat(),
        "language": article.language,
        "category": {"name": article.category.name, "slug": article.category.slug} if article.category else None,
        "byline": article.byline,
        "display_policy": policy,
    }
    if policy == Publisher.DisplayPolicy.HEADLINE:
        return data
    image = visible_image_url(article)
    data["image_url"] = absolute_url(image, site_url=site_url) if image else ""
    thumbnail = visible_image_url(article, size="card")
    data["thumbnail_url"] = absolute_url(thumbnail, site_url=site_url) if thumbnail else ""
    body = visible_body(article)
    if body.is_full:
        data["body_html"] = body.html
        data["body_text"] = body.text
    else:
        data["excerpt"] = body.text
    return data
