"""Find a site's feeds from its URL, and subscribe to what was found.

Order of evidence: the URL itself may already be a feed; else the page's `<link rel="alternate">`
feeds; only when the page advertises none, the common feed paths (/feed, /rss.xml, ...). Sitemaps
named by robots.txt are always listed. Every candidate is fetched (robots.txt permitting) and kept only
if `parse_feed` reads it, so what we report is what the worker will be able to poll.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from django.utils.text import slugify

from newsdesk.ingest.context import IngestContext
from newsdesk.reader.feeds import FeedParseError, parse_feed
from newsdesk.reader.feeds.discover import COMMON_FEED_PATHS, discover_feeds
from newsdesk.reader.feeds.errors import HTML_PAGE
from newsdesk.reader.fetcher import FetchError
from newsdesk.reader.types import FetchResult
from newsdesk.reader.urls import same_origin, url_origin
from newsdesk.sources.models import Feed, Publisher
from newsdesk.sources.opml_services import publisher_ensure
from newsdesk.sources.services import feed_subscribe

MAX_LINK_CANDIDATES = 10
MAX_SITEMAPS = 5

DISCOVERY_PAGE_FAILED = "the page could not be fetched: {reason}"
DISCOVERY_PAGE_STATUS = "the page answered HTTP {status}"
DISCOVERY_NOTHING_FOUND = "no feed or sitemap found"

_KINDS = {"rss": Feed.Kind.RSS, "atom": Feed.Kind.ATOM, "jsonfeed": Feed.Kind.JSONFEED}


class DiscoveryError(Exception):
    """The site URL itself could not be read; `str()` is one of the DISCOVERY_* texts."""


@dataclass(frozen=True)
class DiscoveredFeed:
    url: str
    kind: str  # a Feed.Kind value
    title: str = ""
    site_link: str = ""  # the homepage the feed names
    hub_url: str = ""  # WebSub hub, when the feed names one
    self_url: str = ""
    entries: int = 0
    found_by: str = "link"  # "url" | "link" | "path" | "robots"


@dataclass(frozen=True)
class DiscoveryResult:
    url: str
    final_url: str
    feeds: tuple[DiscoveredFeed, ...] = ()  # RSS / Atom / JSON Feed, best first
    sitemaps: tuple[DiscoveredFeed, ...] = ()
    notes: tuple[str, ...] = ()  # "<url>: <why it was not kept>"

    @property
    def homepage(self) -> str:
        """The feed's own <link> when it has the origin we fetched, else that origin's root.

        A feed may claim any homepage; trusting a foreign one would let it join another publisher, and a
        publisher is its origin (another port or scheme on the same host is another publisher).
        """
        for feed in self.feeds:
            if same_origin(feed.site_link, self.final_url):
                return feed.site_link
        return url_origin(self.final_url) + "/"


def _probe(url: str, *, context: IngestContext, found_by: str, notes: list[str]) -> DiscoveredFeed | None:
    """Fetch `url` and keep it if it parses as a feed or sitemap; otherwise say why in `notes`."""
    try:
        if refusal := context.robots_refusal(url):
            notes.append(f"{url}: {refusal}")
            return None
        result = context.fetch(url)
    except FetchError as exc:
        notes.append(f"{url}: {exc.describe()}")
        return None
    if result.status != 200:
        notes.append(f"{url}: HTTP {result.status}")
        return None
    return _as_feed(result, found_by=found_by, notes=notes)


def _as_feed(result: FetchResult, *, found_by: str, notes: list[str]) -> DiscoveredFeed | None:
    url = result.final_url if result.permanent_redirect else result.url
    try:
        parsed = parse_feed(result.body, url=result.final_url, content_type=result.content_type)
    except FeedParseError as exc:
        notes.append(f"{result.url}: {exc.reason}")
        return None
    kind = Feed.Kind.SITEMAP if parsed.kind.startswith("sitemap") else _KINDS.get(parsed.kind, Feed.Kind.RSS)
    return DiscoveredFeed(
        url=url,
        kind=kind,
        title=parsed.title,
        site_link=parsed.link,
        hub_url=parsed.hub_url,
        self_url=parsed.self_url,
        entries=len(parsed.entries),
        found_by=found_by,
    )


def _robots_sitemaps(url: str, context: IngestContext) -> list[str]:
    try:
        return context.robots.sitemaps(url)[:MAX_SITEMAPS]
    except FetchError:
        return []


def site_discover(*, url: str, context: IngestContext) -> DiscoveryResult:
    """Fetch the site URL and every candidate feed through `context`. Raises DiscoveryError if the URL fails."""
    try:
        if refusal := context.robots_refusal(url):
            raise DiscoveryError(DISCOVERY_PAGE_FAILED.format(reason=refusal))
        page = context.fetch(url)
    except FetchError as exc:
        raise DiscoveryError(DISCOVERY_PAGE_FAILED.format(reason=exc.describe())) from exc
    notes: list[str] = []
    found: dict[str, DiscoveredFeed] = {}
    if page.status == 200:
        itself = _as_feed(page, found_by="url", notes=[])
        if itself is not None:
            found[itself.url] = itself
        else:
            for link, _kind in discover_feeds(page.body, url=page.final_url)[:MAX_LINK_CANDIDATES]:
                if link not in found and (feed := _probe(link, context=context, found_by="link", notes=notes)):
                    found.setdefault(feed.url, feed)
    else:
        notes.append(f"{url}: {DISCOVERY_PAGE_STATUS.format(status=page.status)}")
    if not found:
        origin, guessed_notes = url_origin(page.final_url), []
        for path in COMMON_FEED_PATHS:
            if feed := _probe(origin + path, context=context, found_by="path", notes=guessed_notes):
                found.setdefault(feed.url, feed)
        # A 404 or an HTML page on a guessed path is the normal answer, not news; anything else is reported.
        notes += [n for n in guessed_notes if not (n.endswith(": HTTP 404") or n.endswith(HTML_PAGE))]
    for sitemap_url in _robots_sitemaps(page.final_url, context):
        absolute = urljoin(page.final_url, sitemap_url)
        if absolute not in found and (sitemap := _probe(absolute, context=context, found_by="robots", notes=notes)):
            found.setdefault(sitemap.url, sitemap)
    feeds = tuple(f for f in found.values() if f.kind != Feed.Kind.SITEMAP)
    sitemaps = tuple(f for f in found.values() if f.kind == Feed.Kind.SITEMAP)
    return DiscoveryResult(url=url, final_url=page.final_url, feeds=feeds, sitemaps=sitemaps, notes=tuple(notes))


@dataclass(frozen=True)
class DiscoverySubscription:
    publisher: Publisher
    publisher_created: bool
    feeds: tuple[Feed, ...]


def site_subscribe(
    *,
    result: DiscoveryResult,
    publisher_name: str = "",
    display_policy: str = Publisher.DisplayPolicy.EXCERPT,
    all_feeds: bool = False,
) -> DiscoverySubscription:
    """Subscribe to the best feed found (or all of them), under an existing or new publisher for the site.

    With no RSS/Atom/JSON feed, the first sitemap is used. Raises DiscoveryError when there is nothing.
    """
    chosen = list(result.feeds or result.sitemaps)
    if not chosen:
        raise DiscoveryError(DISCOVERY_NOTHING_FOUND)
    if not all_feeds:
        chosen = chosen[:1]
    homepage = result.homepage
    name = publisher_name or chosen[0].title or url_origin(homepage).partition("://")[2] or homepage
    # A name given by the operator also picks an existing publisher of that name (its slug).
    slug = slugify(publisher_name)[:100] if publisher_name else ""
    publisher, created = publisher_ensure(name=name[:200], homepage=homepage, slug=slug, display_policy=display_policy)
    feeds = tuple(
        feed_subscribe(publisher=publisher, url=item.url, kind=item.kind, title=item.title[:300]) for item in chosen
    )
    return DiscoverySubscription(publisher=publisher, publisher_created=created, feeds=feeds)
