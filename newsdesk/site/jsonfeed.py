"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1) for the same scopes as the RSS and Atom feeds."""

import sys
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views import View

from newsdesk.articles import policy, presentation
from newsdesk.articles.fragments import article_fragments
from newsdesk.articles.models import Article
from newsdesk.articles.policy import visible_body
from newsdesk.articles.presentation import (
    absolute_url,
    article_policy,
    article_url,
    credit_text,
    syndicated_html,
    syndicated_text,
    visible_image_url,
)
from newsdesk.common.fragments import code_digest, json_fragment, json_with_fragments
from newsdesk.site import syndication
from newsdesk.site.languages import language_asked
from newsdesk.site.syndication import FeedScope, feed_scope

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
JSON_FEED_CONTENT_TYPE = "application/feed+json; charset=utf-8"


def jsonfeed_item(article: Article) -> dict[str, Any]:
    url, body = article_url(article), visible_body(article)  # once per item, not once per field
    item: dict[str, Any] = {
        "id": url,
        "url": url,
        "external_url": article.original_url,
        "title": article.title,
        "date_published": (article.published_at or article.fetched_at).isoformat(),
        "date_modified": article.updated_at.isoformat(),
        "authors": [{"name": article.byline or article.publisher.name}],
        "_newsdesk": {
            "publisher": {"name": article.publisher.name, "homepage": article.publisher.homepage},
            "original_title": article.original_title,
            "wire_credit": article.wire_credit,
            "display_policy": article_policy(article),
            "credit": credit_text(article),
        },
    }
    item["content_html"] = syndicated_html(article, body=body)
    item["content_text"] = syndicated_text(article, body=body)
    if article.language:
        item["language"] = article.language
    if article.category:
        item["tags"] = [article.category.name]
    if image := visible_image_url(article):
        item["image"] = absolute_url(image)
    return item


def jsonfeed_document(feed: FeedScope) -> str:
    """The feed as JSON text; each item is the article's cached JSON (rendered by jsonfeed_item when no cache holds
    it)."""
    document: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.page_url,
        "feed_url": feed.feed_url("json"),
        "description": feed.description,
        "authors": [{"name": settings.SITE_NAME}],
        "items": [],
    }
    language = syndication.feed_language(feed.language, (a.language for a in feed.articles))
    if language:
        document["language"] = language
    fixed = (code_digest(sys.modules[__name__], syndication, presentation, policy), settings.SITE_URL)
    items = article_fragments(
        feed.articles, kind="feed-item-json", fixed=fixed, render=lambda article: json_fragment(jsonfeed_item(article))
    )
    return json_with_fragments(document, key="items", items=[item for _, item in items])


class ArticleJsonFeedView(View):
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, scope: str, slug: str | None = None) -> HttpResponse:
        feed = feed_scope(scope=scope, slug=slug, language=language_asked(request))
        return HttpResponse(jsonfeed_document(feed), content_type=JSON_FEED_CONTENT_TYPE)
