"""sitemap.xml: stories, articles, publishers and categories, with absolute URLs on settings.SITE_URL (not the request
host)."""

from datetime import datetime
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from newsdesk.articles.models import Category
from newsdesk.articles.selectors import article_sitemap_keys, category_list
from newsdesk.common.url_patterns import url_for
from newsdesk.sources.models import Publisher
from newsdesk.sources.selectors import publisher_list
from newsdesk.stories.selectors import story_sitemap_keys

# sitemap.xml is one file (no index): it may hold 50,000 URLs, and publishers and categories need a few of them.
# Stories are the pages the site is about (one per event, all its outlets): the most recently active ones go first.
STORIES_MAX = 4_000
ARTICLES_MAX = 41_000


class SiteUrlSitemap(Sitemap):
    """A Sitemap whose URLs start with settings.SITE_URL whatever host the request came in on."""

    def get_urls(self, page=1, site=None, protocol=None):  # type: ignore[override]
        parts = urlsplit(settings.SITE_URL)
        origin = SimpleNamespace(domain=parts.netloc + parts.path.rstrip("/"))
        return super().get_urls(page=page, site=origin, protocol=parts.scheme or "https")


class HomeSitemap(SiteUrlSitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self) -> list[str]:
        return ["site:home"]

    def location(self, item: str) -> str:
        return reverse(item)


class ArticleSitemap(SiteUrlSitemap):
    """The newest articles only, so the single sitemap.xml stays one page under the 50,000-URL limit."""

    limit = 50_000
    priority = 0.6

    def items(self) -> list[tuple]:
        # (id, updated_at) rows, no model instance: the query compiled once (newsdesk.common.compiled).
        return article_sitemap_keys(limit=ARTICLES_MAX)

    def location(self, item: tuple) -> str:
        return url_for("site:article", item.id)

    def lastmod(self, item: tuple) -> datetime:
        return item.updated_at


class StorySitemap(SiteUrlSitemap):
    """The most recently active stories readers are shown."""

    limit = 50_000
    changefreq = "hourly"
    priority = 0.8

    def items(self) -> list[tuple]:
        return story_sitemap_keys(limit=STORIES_MAX)

    def location(self, item: tuple) -> str:
        return url_for("site:story", item.id)

    def lastmod(self, item: tuple) -> datetime:
        return item.updated_at


class PublisherSitemap(SiteUrlSitemap):
    changefreq = "hourly"
    priority = 0.5

    def items(self) -> QuerySet[Publisher]:
        return publisher_list()


class CategorySitemap(SiteUrlSitemap):
    changefreq = "hourly"
    priority = 0.7

    def items(self) -> QuerySet[Category]:
        return category_list()


SITEMAPS = {
    "home": HomeSitemap,
    "categories": CategorySitemap,
    "publishers": PublisherSitemap,
    "stories": StorySitemap,
    "articles": ArticleSitemap,
}
