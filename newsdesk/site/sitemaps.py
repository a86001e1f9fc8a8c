"""The sitemap: /sitemap.xml is an index of sections (home, categories, publishers, stories, articles), each
paginated at Sitemap.limit URLs a page (the protocol's 50,000), with absolute URLs on settings.SITE_URL (not the
request host). Every section lists only what readers are shown (the same selectors as the pages)."""

from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from newsdesk.articles.models import Category
from newsdesk.articles.selectors import article_sitemap_keys, article_sitemap_size, category_list
from newsdesk.common.url_patterns import url_for
from newsdesk.sources.models import Publisher
from newsdesk.sources.selectors import publisher_list
from newsdesk.stories.selectors import story_sitemap_keys, story_sitemap_size


class SiteUrlSitemap(Sitemap):
    """A Sitemap whose URLs start with settings.SITE_URL whatever host the request came in on."""

    limit = 50_000  # URLs a page: the sitemap protocol's cap (Django's default, said here because it matters)

    def get_urls(self, page=1, site=None, protocol=None):  # type: ignore[override]
        parts = urlsplit(settings.SITE_URL)
        origin = SimpleNamespace(domain=parts.netloc + parts.path.rstrip("/"))
        return super().get_urls(page=page, site=origin, protocol=parts.scheme or "https")


class KeyPages:
    """A long section's rows read one page at a time: Django's Paginator asks count(), then one slice."""

    def __init__(self, count: int, keys: Callable[..., list[tuple]]) -> None:
        self._count = count
        self._keys = keys

    def count(self) -> int:
        return self._count

    def __getitem__(self, rows: slice) -> list[tuple]:
        if rows.stop <= rows.start:  # the empty first page of an empty section
            return []
        return self._keys(offset=rows.start, limit=rows.stop - rows.start)


class KeyedSitemap(SiteUrlSitemap):
    """A section of (id, updated_at) rows, one query for its size and latest change, one for the page asked."""

    size: Callable[[], tuple[int, datetime | None]]
    keys: Callable[..., list[tuple]]
    url_name: str

    @cached_property
    def _size(self) -> tuple[int, datetime | None]:
        return self.size()

    def items(self) -> KeyPages:
        return KeyPages(self._size[0], self.keys)

    def get_latest_lastmod(self) -> datetime | None:
        return self._size[1]

    def location(self, item: tuple) -> str:
        return url_for(self.url_name, item.id)

    def lastmod(self, item: tuple) -> datetime:
        return item.updated_at


class HomeSitemap(SiteUrlSitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self) -> list[str]:
        return ["site:home"]

    def location(self, item: str) -> str:
        return reverse(item)


class ArticleSitemap(KeyedSitemap):
    """Every article readers are shown, oldest first: new ones go on the last page, the others keep theirs."""

    priority = 0.6
    size = staticmethod(article_sitemap_size)
    keys = staticmethod(article_sitemap_keys)
    url_name = "site:article"


class StorySitemap(KeyedSitemap):
    """Every story readers are shown, by id."""

    changefreq = "hourly"
    priority = 0.8
    size = staticmethod(story_sitemap_size)
    keys = staticmethod(story_sitemap_keys)
    url_name = "site:story"


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
