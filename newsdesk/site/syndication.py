"""What a syndication feed covers (the whole site, one category or one publisher), shared by RSS, Atom and JSON."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404

from newsdesk.articles.presentation import absolute_url
from newsdesk.articles.selectors import article_feed_list, article_keys_of, category_get
from newsdesk.common.url_patterns import route, url_for
from newsdesk.sources.selectors import publisher_get
from newsdesk.stories.selectors import without_repeats

FEED_ITEMS = 50
HOME, CATEGORY, PUBLISHER, STORIES = "home", "category", "publisher", "stories"
# (format key in URL names, label, MIME type)
FEED_FORMATS = (
    ("rss", "RSS", "application/rss+xml"),
    ("atom", "Atom", "application/atom+xml"),
    ("json", "JSON Feed", "application/feed+json"),
)


@dataclass(frozen=True)
class FeedLink:
    title: str
    mime: str
    url: str


@dataclass(frozen=True)
class FeedScope:
    scope: str
    slug: str | None
    title: str
    description: str
    page_url: str  # absolute URL of the HTML page the feed mirrors
    articles: list[tuple]  # the keys of its articles (article_keys): their renderings are cached per article
    language: str = ""  # the `?lang=` the feed was narrowed to, if any

    def feed_url(self, fmt: str) -> str:
        query = f"?lang={self.language}" if self.language else ""
        return absolute_url(feed_path(self.scope, fmt, self.slug) + query)


def feed_path(scope: str, fmt: str, slug: str | None = None) -> str:
    # Every page links six feeds: reversed once per process (as url_for does), not once per link.
    name = f"site:{scope}_{fmt}"
    return url_for(name, slug) if slug else route(name)


def feed_language(asked: str, item_languages: Iterable[str]) -> str | None:
    """The language an RSS channel or a JSON Feed says it is in: the one asked for (`?lang=`), else the one all its
    items share, else none (an RSS channel's would speak for items that cannot say their own). An Atom feed keeps
    the site's (its own text is in it) and each entry says its own."""
    if asked:
        return asked
    found = {code for code in item_languages if code}
    return found.pop() if len(found) == 1 else None


def feed_links(scope: str = HOME, slug: str | None = None, label: str = "", language: str = "") -> list[FeedLink]:
    """<link rel=alternate> entries for a page: its own feeds (if any) and always the site-wide ones, narrowed to
    the page's `?lang=` when it has one (what a reader's feed reader discovers there is that language's feed)."""
    query = f"?lang={language}" if language else ""
    links: list[FeedLink] = []
    if scope == STORIES:
        links += [
            FeedLink(f"{settings.SITE_NAME}: top stories ({name})", mime, feed_path(STORIES, fmt) + query)
            for fmt, name, mime in FEED_FORMATS
        ]
    elif scope != HOME and slug:
        links += [
            FeedLink(f"{label} ({name})", mime, feed_path(scope, fmt, slug) + query) for fmt, name, mime in FEED_FORMATS
        ]
    links += [
        FeedLink(f"{settings.SITE_NAME}: latest ({name})", mime, feed_path(HOME, fmt) + query)
        for fmt, name, mime in FEED_FORMATS
    ]
    return links


def feed_scope(*, scope: str, slug: str | None = None, language: str = "") -> FeedScope:
    """The feed for `scope`, only articles in `language` when given (`?lang=`); raises Http404 for an unknown
    category or publisher."""
    site = settings.SITE_NAME
    if scope == CATEGORY:
        category = category_get(slug=slug or "")
        if category is None:
            raise Http404("No such category")
        return FeedScope(
            scope=scope,
            slug=category.slug,
            title=f"{site}: {category.name}",
            description=f"The latest {category.name} news gathered by {site}, each linked to its original source.",
            page_url=absolute_url(category.get_absolute_url()),
            # Each wire text once: other outlets' copies of it are credited on the primary's page.
            articles=article_keys_of(
                (scope, category.pk, language, FEED_ITEMS),
                lambda: without_repeats(article_feed_list(category=category, language=language))[:FEED_ITEMS],
            ),
            language=language,
        )
    if scope == PUBLISHER:
        publisher = publisher_get(slug=slug or "")
        if publisher is None:
            raise Http404("No such publisher")
        return FeedScope(
            scope=scope,
            slug=publisher.slug,
            title=f"{site}: {publisher.name}",
            description=f"The latest from {publisher.name} ({publisher.homepage}), as gathered by {site}.",
            page_url=absolute_url(publisher.get_absolute_url()),
            articles=article_keys_of(
                (scope, publisher.pk, language, FEED_ITEMS),
                lambda: article_feed_list(publisher=publisher, language=language)[:FEED_ITEMS],
            ),
            language=language,
        )
    return FeedScope(
        scope=HOME,
        slug=None,
        title=f"{site}: latest news",
        description=f"The latest news gathered by {site}, each linked to its original source.",
        page_url=absolute_url(route("site:home")),
        articles=article_keys_of(
            (HOME, language, FEED_ITEMS), lambda: without_repeats(article_feed_list(language=language))[:FEED_ITEMS]
        ),
        language=language,
    )
