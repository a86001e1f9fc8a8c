from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.generic import RedirectView

from newsdesk.common.methods import read_only
from newsdesk.common.url_patterns import ZERO_LED_ID
from newsdesk.site.feeds import ArticleAtomFeed, ArticleRssFeed
from newsdesk.site.jsonfeed import ArticleJsonFeedView
from newsdesk.site.sitemaps import SITEMAPS
from newsdesk.site.story_feeds import StoryAtomFeed, StoryJsonFeedView, StoryRssFeed
from newsdesk.site.syndication import CATEGORY, HOME, PUBLISHER, STORIES
from newsdesk.site.views.articles import ArticleDetailView
from newsdesk.site.views.categories import CategoryDetailView
from newsdesk.site.views.favicon import FaviconView
from newsdesk.site.views.home import HomePageView
from newsdesk.site.views.publishers import PublisherDetailView
from newsdesk.site.views.robots import RobotsTxtView
from newsdesk.site.views.search import ArticleSearchView
from newsdesk.site.views.sitemaps import sitemap_index
from newsdesk.site.views.stories import StoryDetailView

app_name = "site"


# (format key in URL names, file name) of the feeds every scope has
FEED_FILES = (("rss", "rss.xml"), ("atom", "atom.xml"), ("json", "feed.json"))


def _feed_routes(prefix: str, scope: str) -> list:
    """rss.xml, atom.xml and feed.json under `prefix`, named `<scope>_rss|atom|json`."""
    views = {
        "rss": read_only(ArticleRssFeed()),
        "atom": read_only(ArticleAtomFeed()),
        "json": ArticleJsonFeedView.as_view(),
    }
    return [path(f"{prefix}{file}", views[fmt], {"scope": scope}, name=f"{scope}_{fmt}") for fmt, file in FEED_FILES]


def _moved_permanently(old_route: str, new_name: str):
    """An unnamed route answering 301 with the URL of `new_name` (same arguments, same query string)."""
    return path(
        old_route, RedirectView.as_view(pattern_name=f"{app_name}:{new_name}", permanent=True, query_string=True)
    )


# /article/01/ and /stories/01/ (query kept: a story's `?lang=`); before the int routes, which would take them.
ZERO_LED_ID_ROUTES = [
    _moved_permanently(f"article/<{ZERO_LED_ID}:article_id>/", "article"),
    _moved_permanently(f"stories/<{ZERO_LED_ID}:story_id>/", "story"),
]

# Publisher pages lived under /source/ until the site took the model's name; links to them keep working.
LEGACY_SOURCE_ROUTES = [
    _moved_permanently("source/<slug:slug>/", PUBLISHER),
    *(_moved_permanently(f"source/<slug:slug>/{file}", f"{PUBLISHER}_{fmt}") for fmt, file in FEED_FILES),
]


urlpatterns = [
    path("", HomePageView.as_view(), name="home"),
    *ZERO_LED_ID_ROUTES,
    path("article/<int:article_id>/", ArticleDetailView.as_view(), name="article"),
    # The stories' list is the home page; /stories/ (the folder of every story page and the story feeds) leads there.
    path("stories/", RedirectView.as_view(pattern_name=f"{app_name}:home", query_string=True), name="stories"),
    path("stories/<int:story_id>/", StoryDetailView.as_view(), name="story"),
    path("stories/rss.xml", read_only(StoryRssFeed()), name=f"{STORIES}_rss"),
    path("stories/atom.xml", read_only(StoryAtomFeed()), name=f"{STORIES}_atom"),
    path("stories/feed.json", StoryJsonFeedView.as_view(), name=f"{STORIES}_json"),
    path("publisher/<slug:slug>/", PublisherDetailView.as_view(), name=PUBLISHER),
    path("category/<slug:slug>/", CategoryDetailView.as_view(), name="category"),
    path("search/", ArticleSearchView.as_view(), name="search"),
    path("robots.txt", RobotsTxtView.as_view(), name="robots"),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    # An index of sections, each paginated (?p=2…): a site of any size is listed whole.
    path(
        "sitemap.xml",
        read_only(sitemap_index),
        {"sitemaps": SITEMAPS, "section_url_name": f"{app_name}:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        read_only(sitemap),
        # Django's view with its URLs written by a template tag (site/sitemap.xml): the same text, cheaper.
        {"sitemaps": SITEMAPS, "template_name": "site/sitemap.xml"},
        name="sitemap_section",
    ),
    *_feed_routes("feeds/", HOME),
    *_feed_routes("category/<slug:slug>/", CATEGORY),
    *_feed_routes("publisher/<slug:slug>/", PUBLISHER),
    *LEGACY_SOURCE_ROUTES,
]
