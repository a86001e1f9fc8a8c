"""OPML import (publishers and feeds from any feed reader's export) and export (ours, grouped by publisher).

Import never edits what already exists: a known publisher keeps its name, policy and contact, a known
feed keeps its publisher. Running the same import twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import transaction
from django.utils.text import slugify

from newsdesk.reader.feeds.opml import OpmlFeed, OpmlSite, build_opml, parse_opml
from newsdesk.reader.urls import url_origin
from newsdesk.sources.models import Feed, Publisher
from newsdesk.sources.services import feed_subscribe, publisher_upsert

OPML_EXPORT_TITLE = "newsdesk subscriptions"
OPML_UNKNOWN_POLICY = "unknown display policy {policy!r}: use full, excerpt or headline"


@dataclass(frozen=True)
class OpmlImportResult:
    publishers_created: int
    publishers_existing: int
    feeds_created: int
    feeds_existing: int
    skipped: tuple[str, ...] = ()  # "<url>: <reason>" for outlines that were not imported

    @property
    def feeds(self) -> int:
        return self.feeds_created + self.feeds_existing


def _same_origin_publishers(homepage: str) -> list[Publisher]:
    """Publishers whose homepage has this homepage's origin (scheme, host and port: the host alone is not a
    publisher, one host may serve several on different ports)."""
    origin = url_origin(homepage)
    if not origin:
        return []
    host = urlsplit(origin).hostname or ""  # narrows the query; the origin comparison decides
    return [p for p in Publisher.objects.filter(homepage__icontains=host) if url_origin(p.homepage) == origin]


def _free_slug(base: str) -> str:
    slug, n = base, 1
    while Publisher.objects.filter(slug=slug).exists():
        n += 1
        suffix = f"-{n}"
        slug = base[: 100 - len(suffix)] + suffix
    return slug


def publisher_ensure(*, name: str, homepage: str, slug: str = "", display_policy: str) -> tuple[Publisher, bool]:
    """The publisher with this slug, else the one at the same origin, else a new one; never edits one.

    Returns (publisher, created).
    """
    if slug and (known := Publisher.objects.filter(slug=slug).first()):
        return known, False
    same_origin = _same_origin_publishers(homepage)
    if same_origin:
        by_name = [p for p in same_origin if p.name == name]
        return (by_name or same_origin)[0], False
    base = slugify(slug or name)[:100] or slugify(url_origin(homepage).partition("://")[2])[:100] or "publisher"
    publisher = publisher_upsert(name=name, homepage=homepage, slug=_free_slug(base), display_policy=display_policy)
    return publisher, True


@transaction.atomic
def opml_import(*, data: bytes, default_policy: str = Publisher.DisplayPolicy.EXCERPT) -> OpmlImportResult:
    """Create the publishers and feeds an OPML file lists. Raises OpmlError before writing anything if unreadable.

    New publishers get `default_policy`; each site group (see reader.feeds.opml) is one publisher.
    """
    if default_policy not in Publisher.DisplayPolicy.values:
        raise ValueError(OPML_UNKNOWN_POLICY.format(policy=default_policy))
    document = parse_opml(data)
    counts = {"publishers_created": 0, "publishers_existing": 0, "feeds_created": 0, "feeds_existing": 0}
    for site in document.sites:
        publisher, created = publisher_ensure(
            name=site.name, homepage=site.homepage, slug=site.slug, display_policy=default_policy
        )
        counts["publishers_created" if created else "publishers_existing"] += 1
        for item in site.feeds:
            if Feed.objects.filter(url=item.xml_url).exists():
                counts["feeds_existing"] += 1
                continue
            feed_subscribe(
                publisher=publisher, url=item.xml_url, kind=item.kind or Feed.Kind.RSS, title=item.title[:300]
            )
            counts["feeds_created"] += 1
    return OpmlImportResult(**counts, skipped=document.skipped)


def opml_export(*, title: str = OPML_EXPORT_TITLE) -> bytes:
    """OPML 2.0 of every feed, one folder outline per publisher (publishers without feeds are left out)."""
    sites = []
    for publisher in Publisher.objects.prefetch_related("feeds").order_by("name", "pk"):
        feeds = tuple(
            OpmlFeed(xml_url=feed.url, title=feed.title, html_url=publisher.homepage, kind=feed.kind)
            for feed in publisher.feeds.all()
        )
        if feeds:
            sites.append(OpmlSite(name=publisher.name, homepage=publisher.homepage, slug=publisher.slug, feeds=feeds))
    return build_opml(sites, title=title)
