"""The two reads of a sitemap section of rows (articles, stories: site.sitemaps.KeyedSitemap), one shape for each
app's selectors: its size and lastmod, and a page of (id, updated_at) by id."""

from collections.abc import Callable, Hashable
from datetime import datetime

from django.db.models import Count, Max, QuerySet

from newsdesk.common.compiled import key_rows


def sitemap_page_keys(key: Hashable, shown: Callable[[], QuerySet], *, offset: int, limit: int) -> list[tuple]:
    """(id, updated_at) of the rows of `shown()` `offset`..`offset + limit` by id, oldest first (new rows go on the
    last page, so the others keep their URLs); compiled once per (`key`, offset, limit), `key` naming `shown`."""

    def build() -> QuerySet:
        return shown().order_by("id").values_list("id", "updated_at", named=True)[offset : offset + limit]

    return key_rows((key, offset, limit), build)


def sitemap_size(shown: QuerySet) -> tuple[int, datetime | None]:
    """(how many, latest updated_at) of `shown`: a sitemap index's page count and lastmod."""
    size = shown.aggregate(count=Count("id"), latest=Max("updated_at"))
    return size["count"], size["latest"]
