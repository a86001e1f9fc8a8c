"""Frozen dataclasses that flow through the pipeline: bytes in, these out. No Django here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_ROBOTS_DIRECTIVES_WITH_VALUES = frozenset(
    {"unavailable_after", "max-snippet", "max-image-preview", "max-video-preview"}
)


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
    peer_address: str = ""  # the IP the final response came from (vetted and pinned by the fetcher)

    def retry_after_s(self, *, now: datetime | None = None) -> float | None:
        """Seconds the server asked us to wait (Retry-After as delta-seconds or HTTP-date), else None."""
        value = self.headers.get("retry-after", "").strip()
        if not value:
            return None
        if value.isdigit():
            return float(value)
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())

    def robots_directives(self, product_token: str = "newsdesk") -> frozenset[str]:  # noqa: S107 - not a secret
        """X-Robots-Tag directives that apply to us: unscoped ones plus those scoped to `product_token`.

        `X-Robots-Tag: otherbot: noindex, nofollow` scopes every following directive to otherbot
        until the next `name:` prefix, as Google documents for a single header.
        """
        directives: set[str] = set()
        scope = ""
        for part in self.headers.get("x-robots-tag", "").split(","):
            name, colon, rest = part.partition(":")
            name = name.strip().lower()
            if colon and name not in _ROBOTS_DIRECTIVES_WITH_VALUES:
                scope, part = name, rest
            directive = part.strip().lower().partition(":")[0].strip()
            if directive and scope in ("", product_token.lower()):
                directives.add(directive)
        return frozenset(directives)

    @property
    def noarchive(self) -> bool:
        """The response forbids keeping a copy (X-Robots-Tag: noarchive)."""
        return "noarchive" in self.robots_directives()

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
        return "sha256:" + self.fingerprint

    @property
    def fingerprint(self) -> str:
        """A hash of what the feed says of the item (title, summary, content): when it changes, the publisher edited
        the item. RSS items carry no "updated" date, so this is how an edit there is seen."""
        import hashlib

        return hashlib.sha256((self.title + self.summary + self.content_html).encode()).hexdigest()


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
    recovered: str = ""  # why the document was broken, when entries were recovered from a malformed one


@dataclass(frozen=True)
class ExtractedArticle:
    """What a page says about itself, cleaned. body_html is sanitized (nh3) and safe to render."""

    url: str  # URL the page was fetched from
    canonical_url: str = ""
    title: str = ""
    byline: str = ""
    published: datetime | None = None
    # The page gave a day without a time ("2026-03-01"): `published` is that day at 00:00 UTC, which is not a
    # time anyone published at, so show and compare it as a date.
    published_is_date: bool = False
    updated: datetime | None = None
    language: str = ""
    description: str = ""
    body_html: str = ""
    body_text: str = ""
    image_url: str = ""
    site_name: str = ""
    wire_credit: str = ""  # "AFP", "Reuters", "AP", ... or ""
    noarchive: bool = False  # <meta name="robots" content="noarchive"> or X-Robots-Tag
    robots_directives: str = ""  # "noarchive nosnippet noimageindex max-snippet:N" (those present), meta or header
    categories: tuple[str, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = ()  # what the page got wrong that extraction ignored (e.g. a malformed canonical URL)
    body_source: str = ""  # which extractor's body was kept: "trafilatura", "readability", "json-ld", "feed", ...
    body_reasons: tuple[str, ...] = ()  # why the ensemble kept it (agreement figures, rejected candidates)
