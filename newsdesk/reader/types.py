"""Frozen dataclasses that flow through the pipeline: bytes in, these out. No Django here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class FetchResult:
    """One HTTP exchange after redirects. `body` is decoded (gzip/deflate/br) and capped."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes
    elapsed_s: float
    redirects: tuple[tuple[int, str], ...] = ()  # (status, location) per hop
    permanent_redirect: bool = False  # every hop was 301/308

    @property
    def is_not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


@dataclass(frozen=True)
class ParsedEntry:
    link: str  # absolute URL of the article
    title: str = ""
    guid: str = ""  # feed id/guid; empty when the feed gave none
    summary: str = ""  # plain text or HTML as the feed gave it
    content_html: str = ""  # full content (content:encoded, atom content, content_html)
    author: str = ""
    published: datetime | None = None  # timezone-aware UTC
    updated: datetime | None = None
    image_url: str = ""
    language: str = ""
    categories: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Identity inside a feed: guid, else link, else a hash of the content."""
        if self.guid:
            return self.guid
        if self.link:
            return self.link
        import hashlib

        return "sha256:" + hashlib.sha256((self.title + self.summary + self.content_html).encode()).hexdigest()


@dataclass(frozen=True)
class ParsedFeed:
    kind: str  # "rss" | "atom" | "jsonfeed" | "sitemap" | "sitemapindex"
    title: str = ""
    link: str = ""  # the site's homepage per the feed
    language: str = ""
    entries: tuple[ParsedEntry, ...] = ()
    hub_url: str = ""  # WebSub hub, if the feed names one
    self_url: str = ""
    sitemaps: tuple[str, ...] = ()  # child sitemaps of a sitemap index


@dataclass(frozen=True)
class ExtractedArticle:
    """What a page says about itself, cleaned. body_html is sanitized (nh3) and safe to render."""

    url: str  # URL the page was fetched from
    canonical_url: str = ""
    title: str = ""
    byline: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    language: str = ""
    description: str = ""
    body_html: str = ""
    body_text: str = ""
    image_url: str = ""
    site_name: str = ""
    wire_credit: str = ""  # "AFP", "Reuters", "AP", ... or ""
    noarchive: bool = False  # <meta name="robots" content="noarchive"> or X-Robots-Tag
    categories: tuple[str, ...] = field(default_factory=tuple)
