from django.contrib.sitemaps.views import sitemap
from django.urls import path

from newsdesk.site.feeds import ArticleAtomFeed, ArticleRssFeed
from newsdesk.site.jsonfeed import ArticleJsonFeedView
from newsdesk.site.sitemaps import SITEMAPS
from newsdesk.site.syndication import CATEGORY, HOME, SOURCE
from newsdesk.site.views.articles import ArticleDetailView
from newsdesk.site.views.categories import CategoryDetailView
from newsdesk.site.views.home import HomePageView
from newsdesk.site.views.robots import RobotsTxtView
from newsdesk.site.views.search import ArticleSearchView
from newsdesk.site.views.sources import SourceDetailView

app_name = "site"


def _feed_routes(prefix: str, scope: str) -> list:
    """rss.xml, atom.xml and feed.json under `prefix`, named `<scope>_rss|atom|json`."""
    return [
        path(f"{prefix}rss.xml", ArticleRssFeed(), {"scope": scope}, name=f"{scope}_rss"),
        path(f"{prefix}atom.xml", ArticleAtomFeed(), {"scope": scope}, name=f"{scope}_atom"),
        path(f"{prefix}feed.json", ArticleJsonFeedView.as_view(), {"scope": scope}, name=f"{scope}_json"),
    ]


urlpatterns = [
    path("", HomePageView.as_view(), name="home"),
    path("article/<int:article_id>/", ArticleDetailView.as_view(), name="article"),
    path("source/<slug:slug>/", SourceDetailView.as_view(), name="source"),
    path("category/<slug:slug>/", CategoryDetailView.as_view(), name="category"),
    path("search/", ArticleSearchView.as_view(), name="search"),
    path("robots.txt", RobotsTxtView.as_view(), name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    *_feed_routes("feeds/", HOME),
    *_feed_routes("category/<slug:slug>/", CATEGORY),
    *_feed_routes("source/<slug:slug>/", SOURCE),
]
