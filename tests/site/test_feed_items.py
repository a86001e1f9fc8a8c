"""Our feeds add their items directly (no per-field introspection) and write the document in one piece: the bytes
are exactly what Django's generic syndication loop and streamed writes give."""

import io
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from django.contrib.syndication.views import Feed
from django.test import RequestFactory
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from newsdesk.articles.selectors import article_by_ids
from newsdesk.site.feeds import ArticleAtomFeed, ArticleRssFeed, BufferedAtomFeed, BufferedRssFeed
from newsdesk.site.syndication import feed_scope
from tests.factories import make_article, make_category, make_publisher

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("feed_class", [ArticleRssFeed, ArticleAtomFeed], ids=["rss", "atom"])
def test_items_added_directly_match_djangos_generic_loop(feed_class):
    category = make_category(name="Harbour")
    for policy in ("full", "excerpt", "headline"):
        publisher = make_publisher(name=f"Harbour {policy}", policy=policy)
        make_article(publisher, category=category, wire_credit="AFP", title="Tide & <surge>")
        make_article(publisher, byline="", body_html="<p>Ships <img src='x.jpg' alt=''> back</p>")
    view, request = feed_class(), RequestFactory().get("/feeds/rss.xml")
    scope = feed_scope(scope="home")
    rendered, cached, generic = io.BytesIO(), io.BytesIO(), io.BytesIO()
    view.get_feed(scope, request).write(rendered, "utf-8")  # each item rendered and cached
    view.get_feed(scope, request).write(cached, "utf-8")  # each item from the cache
    # Django's loop over the item_* methods, on the whole articles the feed's keys name
    found = article_by_ids([key.id for key in scope.articles])
    generic_feed = Feed.get_feed(view, replace(scope, articles=[found[key.id] for key in scope.articles]), request)
    generic_feed.write(generic, "utf-8")
    assert rendered.getvalue().count(b"</item>" if feed_class is ArticleRssFeed else b"</entry>") == 6
    assert rendered.getvalue() == cached.getvalue() == generic.getvalue()


@pytest.mark.parametrize(("buffered", "plain"), [(BufferedRssFeed, Rss201rev2Feed), (BufferedAtomFeed, Atom1Feed)])
def test_a_buffered_feed_writes_the_same_bytes_in_one_write(buffered, plain):
    def document(kind) -> tuple[bytes, int]:
        feed = kind(title="Harbour", link="http://example.test/", description="Tides")
        feed.add_item(
            title="Ships \ud800 back",
            link="http://example.test/1",
            description="<p>Näher</p>",
            pubdate=datetime(2026, 12, 5, 1, 0, tzinfo=UTC),
        )
        writes = []

        class Out(io.BytesIO):
            def write(self, data):
                writes.append(data)
                return super().write(data)

        out = Out()
        feed.write(out, "utf-8")
        return out.getvalue(), len(writes)

    (ours, our_writes), (theirs, their_writes) = document(buffered), document(plain)
    assert ours == theirs
    assert b"&#55296;" in ours  # a lone surrogate becomes a character reference, as the stock writer does
    assert our_writes == 1 < their_writes
