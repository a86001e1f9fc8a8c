"""RSS 2.0 and Atom 1.0 feeds (Django syndication). Items link to our article page and credit the original."""

import io
import sys
from dataclasses import replace
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, SyndicationFeed
from django.utils.xmlutils import SimplerXMLGenerator

from newsdesk.articles import policy, presentation
from newsdesk.articles.fragments import article_fragments
from newsdesk.articles.models import Article
from newsdesk.articles.presentation import (
    absolute_url,
    article_url,
    syndicated_html,
    visible_image_url,
    web_url,
)
from newsdesk.common.fragments import code_digest
from newsdesk.site import syndication
from newsdesk.site.languages import language_asked
from newsdesk.site.syndication import FeedScope, feed_scope


def image_enclosures(url: str, length: int) -> list[Enclosure]:
    """Our copy of an item's lead image (site-relative `url`, "" for none) as feed readers look for it: RSS
    <enclosure>, Atom <link rel="enclosure"> (the JSON Feed's `image`). Every stored image is WebP. `length`: its
    byte size as stored beside it (Article.image_bytes), 0 when not known, as the RSS Best Practices Profile asks."""
    return [Enclosure(absolute_url(url), str(length), "image/webp")] if url else []


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
    """Each entry says its own language (xml:lang): a feed of every language is labelled with the site's, and an
    entry would inherit that label (a German story read as English) without its own."""

    def item_attributes(self, item) -> dict[str, str]:
        attributes = super().item_attributes(item)
        if item.get("language"):
            attributes["xml:lang"] = item["language"]
        return attributes


class CachedItemsWrite:
    """Writes items given as finished XML (`item_xml`, one cached fragment per article) where the generator would
    build each from its fields; without them, as usual."""

    item_xml: list[str] | None = None

    def write_items(self, handler) -> None:
        if self.item_xml is None:
            super().write_items(handler)  # type: ignore[misc]
            return
        for xml in self.item_xml:
            handler.ignorableWhitespace(xml)  # written as it is: it is XML already


class AttributedRssFeed(CachedItemsWrite, BufferedRssFeed):
    """RSS 2.0 with a <source url="publisher feed">Publisher</source> element on every item."""

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        if item.get("source_url"):
            handler.addQuickElement("source", item["source_name"], {"url": item["source_url"]})


class AttributedAtomFeed(CachedItemsWrite, BufferedAtomFeed):
    """Atom 1.0 with a <link rel="via"> to the original article on every entry."""

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        if item.get("via_url"):
            handler.addQuickElement("link", "", {"rel": "via", "href": item["via_url"]})


class ArticleRssFeed(Feed):
    feed_type = AttributedRssFeed
    fmt = "rss"

    def get_object(self, request: HttpRequest, scope: str, slug: str | None = None) -> FeedScope:
        return feed_scope(scope=scope, slug=slug, language=language_asked(request))

    def get_feed(self, obj: FeedScope, request: HttpRequest) -> SyndicationFeed:
        # Django's Feed builds the channel; each item is the article's cached XML (rendered by item_xml_of when no
        # cache holds it), so an unchanged article costs no model instance and no XML writing.
        feed = super().get_feed(replace(obj, articles=[]), request)
        if obj.language:  # narrowed by ?lang=: <language> (RSS) and xml:lang (Atom) say so
            feed.feed["language"] = obj.language
        elif self.fmt == "rss":  # an RSS item cannot say its language: the channel's is its items' or none
            feed.feed["language"] = syndication.feed_language("", (a.language for a in obj.articles))
        fixed = (code_digest(sys.modules[__name__], syndication, presentation, policy), settings.SITE_URL)
        items = article_fragments(obj.articles, kind=f"feed-item-{self.fmt}", fixed=fixed, render=self.item_xml_of)
        # The channel's <lastBuildDate> (Atom: <updated>) is the newest of the items' dates: latest_post_date()
        # reads them from `items`, which the keys hold.
        feed.items = [
            {"pubdate": key.published_at or key.fetched_at, "updateddate": key.updated_at} for key, _ in items
        ]
        feed.item_xml = [xml for _, xml in items]
        return feed

    def item_xml_of(self, article: Article) -> str:
        """The XML of `article`'s item, as the feed generator writes it."""
        single = self.feed_type(title="", link="", description="")
        single.add_item(**self.item_fields(article))
        buffer = io.StringIO()
        single.write_items(SimplerXMLGenerator(buffer, "utf-8", short_empty_elements=True))
        return buffer.getvalue()

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
            "enclosures": self.item_enclosures(item),
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

    def items(self, obj: FeedScope) -> list[tuple]:
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

    def item_enclosures(self, item: Article) -> list[Enclosure]:
        return image_enclosures(visible_image_url(item), item.image_bytes)

    def item_extra_kwargs(self, item: Article) -> dict[str, str]:
        source_url = web_url(item.feed.url) if item.feed else ""
        return {
            "language": item.language,
            "source_name": item.publisher.name,
            "source_url": source_url or web_url(item.publisher.homepage),
            "via_url": web_url(item.original_url),
        }


class ArticleAtomFeed(ArticleRssFeed):
    feed_type = AttributedAtomFeed
    fmt = "atom"
