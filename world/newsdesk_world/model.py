"""The data of the simulated media world: frozen dataclasses that tests read to compute expectations.

Everything here is port-agnostic: articles and feeds carry *paths*; the server turns them into URLs
once it knows which loopback port each publisher listens on (see `WorldServer.url`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

CATEGORIES = ("politics", "business", "technology", "science", "sports", "culture", "world", "health")
LANGUAGES = ("en", "fr", "de", "es")
WIRE_AGENCIES = ("AFP", "Reuters", "AP")
FEED_KINDS = ("rss", "atom", "jsonfeed", "sitemap")
DISPLAY_POLICIES = ("full", "excerpt", "headline")

# Every publisher serves the same feed layout, so consumers can rely on these paths.
FEED_PATHS = {
    "rss": "/rss.xml",
    "atom": "/atom.xml",
    "jsonfeed": "/feed.json",
    "sitemap": "/news-sitemap.xml",
}
SITEMAP_INDEX_PATH = "/sitemap.xml"
ROBOTS_PATH = "/robots.txt"

# What an extra (broken) feed is expected to do to a fetcher.
PROBLEM_MALFORMED = "malformed_xml"
PROBLEM_NOT_FOUND = "not_found"
PROBLEM_SERVER_ERROR = "server_error"
PROBLEM_SLOW = "slow"
PROBLEM_REDIRECT = "redirect"


@dataclass(frozen=True)
class PageStyle:
    """How one publisher marks up its pages and feeds; the variety is what extraction must cope with."""

    layout: str  # classic | storybody | magazine | portal | modern
    css_prefix: str
    article_path: str  # key of ARTICLE_PATH_PATTERNS in newsdesk_world.publishers
    image_format: str  # png | svg
    image_dir: str
    byline_position: str  # top | bottom
    json_ld: bool
    og_tags: bool
    machine_time: bool  # whether dates also appear as <time datetime="...">
    html_lang_region: bool  # lang="fr-BE" rather than lang="fr"
    absolute_alternates: bool
    title_separator: str
    rss_content_encoded: bool
    rss_media: str  # media | enclosure
    guid_permalink: bool
    atom_content: bool
    json_content_html: bool
    feed_link_query: str  # appended to article links in feeds, e.g. "?utm_source=rss"
    wire_dateline: bool
    wire_tail: str  # last paragraph crediting the agency, "" for none; "{agency}" is filled in
    wire_byline: str  # byline on wire copies; "{agency}" is filled in
    wire_meta_author: bool  # <meta name="author" content="AFP"> on wire copies


@dataclass(frozen=True)
class Publisher:
    slug: str
    name: str
    country: str  # ISO 3166-1 alpha-2
    language: str
    locale: str  # Faker locale for staff and commenter names
    contact_domain: str
    display_policy_hint: str
    primary_feed_kind: str
    robots_disallows_articles: bool
    noarchive: bool
    utc_offset_hours: int
    tz_label: str
    style: PageStyle
    staff: tuple[str, ...] = ()

    @property
    def primary_feed_path(self) -> str:
        return FEED_PATHS[self.primary_feed_kind]

    @property
    def contact_email(self) -> str:
        return f"rights@{self.contact_domain}"


@dataclass(frozen=True)
class Event:
    """One real-world happening that several publishers write about, sharing its named entities."""

    id: str
    category: str
    home_locale: str
    topic_index: int
    starts_at: datetime
    importance: str  # major | regular | minor
    people: tuple[str, ...]
    people_genders: tuple[str, ...]  # "m" | "f", for gendered role nouns in fr/de/es
    places: tuple[str, ...]
    organisations: tuple[str, ...]
    figures: tuple[int, int, int, int]  # affected people, days/months, percent, amount in tenths of a million
    wire_agency: str = ""

    @property
    def entities(self) -> tuple[str, ...]:
        return (*self.people, *self.places, *self.organisations)


@dataclass(frozen=True)
class Comment:
    author: str
    text: str
    posted_at: datetime


@dataclass(frozen=True)
class Article:
    id: str
    publisher: str  # publisher slug
    event: str  # event id
    category: str
    language: str
    headline: str
    dek: str
    paragraphs: tuple[str, ...]
    byline: str
    published: datetime
    updated: datetime | None
    image_path: str
    tags: tuple[str, ...]
    wire_credit: str  # "" | "AFP" | "Reuters" | "AP"
    path: str  # canonical path on the publisher's origin
    feed_link_query: str = ""
    comments: tuple[Comment, ...] = ()

    @property
    def feed_link_path(self) -> str:
        """The link feeds give for this article; it may carry tracking parameters the canonical URL lacks."""
        return self.path + self.feed_link_query

    @property
    def last_modified(self) -> datetime:
        return self.updated or self.published


@dataclass(frozen=True)
class WireOriginal:
    """The agency text that wire copies were derived from (not served anywhere; kept for dedup evaluation)."""

    event: str
    agency: str
    language: str
    headline: str
    paragraphs: tuple[str, ...]
    published: datetime


class ExtraFeed(NamedTuple):
    """A deliberately broken or unusual feed; `path` is on the publisher's own origin."""

    publisher_slug: str
    path: str
    kind: str
    expected_problem: str


class BrokenArticleLink(NamedTuple):
    """A feed item whose link answers with an HTTP error instead of an article page."""

    publisher_slug: str
    path: str
    status: int
    headline: str
    published: datetime


@dataclass(frozen=True)
class World:
    seed: int
    anchor: datetime
    slow_delay_s: float
    publishers: tuple[Publisher, ...]
    events: tuple[Event, ...]
    articles: tuple[Article, ...]
    wire_originals: tuple[WireOriginal, ...]
    extra_feeds: tuple[ExtraFeed, ...]
    broken_article_urls: tuple[BrokenArticleLink, ...]
    _by_slug: dict[str, Publisher] = field(default_factory=dict, init=False, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        self._by_slug.update({p.slug: p for p in self.publishers})

    def publisher(self, slug: str) -> Publisher:
        return self._by_slug[slug]

    def event(self, event_id: str) -> Event:
        return next(e for e in self.events if e.id == event_id)

    def articles_of(self, slug: str) -> list[Article]:
        """One publisher's articles, newest first (the order its feeds use)."""
        return sorted((a for a in self.articles if a.publisher == slug), key=lambda a: a.published, reverse=True)

    def broken_links_of(self, slug: str) -> list[BrokenArticleLink]:
        return [b for b in self.broken_article_urls if b.publisher_slug == slug]

    def wire_copies(self, event_id: str) -> list[Article]:
        return [a for a in self.articles if a.event == event_id and a.wire_credit]
