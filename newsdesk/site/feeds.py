"""RSS 2.0 and Atom 1.0 feeds (Django syndication). Items link to our article page and credit the original."""

import io
from dataclasses import replace
from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed

from newsdesk.articles.models import Article
from newsdesk.articles.presentation import article_url, syndicated_html, web_url
from newsdesk.site.syndication import FeedScope, feed_scope
from newsdesk.stories.selectors import language_filter


class BufferedWrite:
    """Writes the document to the response in one piece: the XML generator makes some forty small writes per item,
    and each write to an HttpResponse costs an encode and a list append."""

    def write(self, outfile, encoding: str) -> None:
        buffer = io.StringIO()
        super().write(buffer, encoding)  # type: ignore[misc]
        # As the generator's own text writer does: what the encoding cannot hold becomes a character reference.
        outfile.write(buffer.getvalue().encode(encoding, "xmlcharrefreplace"))


class BufferedRssFeed(BufferedWrite, Rss201rev2Feed):
    pass


class BufferedAtomFeed(BufferedWrite, Atom1Feed):
    pass


class AttributedRssFeed(BufferedRssFeed):
    """RSS 2.0 with a <source url="publisher feed">Publisher</source> element on every item."""

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        if item.get("source_url"):
            handler.addQuickElement("source", item["source_name"], {"url": item["source_url"]})


class AttributedAtomFeed(BufferedAtomFeed):
    """Atom 1.0 with a <link rel="via"> to the original article on every entry."""

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        if item.get("via_url"):
            handler.addQuickElement("link", "", {"rel": "via", "href": item["via_url"]})


class ArticleRssFeed(Feed):
    feed_type = AttributedRssFeed
    fmt = "rss"

    def get_object(self, request: HttpRequest, scope: str, slug: str | None = None) -> FeedScope:
        return feed_scope(scope=scope, slug=slug, language=language_filter(request.GET.get("lang")))

    def get_feed(self, obj: FeedScope, request: HttpRequest) -> SyndicationFeed:
        # Django's Feed builds the channel; the items are added here, each field by a direct call: its generic loop
        # looks every item_* attribute up by introspection, some fifteen times per item.
        feed = super().get_feed(replace(obj, articles=[]), request)
        if obj.language:  # narrowed by ?lang=: <language> (RSS) and xml:lang (Atom) say so
            feed.feed["language"] = obj.language
        for article in obj.articles:
            feed.add_item(**self.item_fields(article))
        return feed

    def item_fields(self, item: Article) -> dict[str, Any]:
        """What SyndicationFeed.add_item takes for `item` (the links are absolute already)."""
        link = self.item_link(item)
        return {
            "title": self.item_title(item),
            "link": link,
            "description": self.item_description(item),
            "unique_id": link,
            "pubdate": self.item_pubdate(item),
            "updateddate": self.item_updateddate(item),
            "author_name": self.item_author_name(item),
            "categories": self.item_categories(item),
            **self.item_extra_kwargs(item),
        }

    def title(self, obj: FeedScope) -> str:
        return obj.title

    def subtitle(self, obj: FeedScope) -> str:
        return obj.description

    def description(self, obj: FeedScope) -> str:
        return obj.description

    def link(self, obj: FeedScope) -> str:
        return obj.page_url

    def feed_url(self, obj: FeedScope) -> str:
        return obj.feed_url(self.fmt)

    def items(self, obj: FeedScope) -> list[Article]:
        return obj.articles

    def item_title(self, item: Article) -> str:
        return item.title

    def item_link(self, item: Article) -> str:
        return article_url(item)

    def item_description(self, item: Article) -> str:
        return syndicated_html(item)

    def item_pubdate(self, item: Article) -> datetime:
        return item.published_at or item.fetched_at

    def item_updateddate(self, item: Article) -> datetime:
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return item.byline or item.publisher.name

    def item_categories(self, item: Article) -> list[str]:
        return [item.category.name] if item.category else []

    def item_extra_kwargs(self, item: Article) -> dict[str, str]:
        source_url = web_url(item.feed.url) if item.feed else ""
        return {
            "source_name": item.publisher.name,
            "source_url": source_url or web_url(item.publisher.homepage),
            "via_url": web_url(item.original_url),
        }


class ArticleAtomFeed(ArticleRssFeed):
    feed_type = AttributedAtomFeed
    fmt = "atom"
