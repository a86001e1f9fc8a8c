"""A refresh of a feed that names a WebSub hub subscribes to it once (and not again while pending)."""

import pytest
from django.test import override_settings

from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.services import feed_refresh
from newsdesk.websub.models import WebSubSubscription
from tests.factories import make_feed, make_publisher
from tests.sources.loopback import Reply

pytestmark = pytest.mark.django_db

FEED = """<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>Hubbed</title><link>{base}/</link><atom:link rel="hub" href="{base}/hub"/>
<atom:link rel="self" href="{base}/feed.xml"/>
<item><title>One</title><link>{base}/a/1</link><description>First story.</description></item>
</channel></rss>"""


@override_settings(SITE_URL="http://127.0.0.1:8000")
def test_refresh_subscribes_to_the_named_hub_once(serve):
    routes = {"/hub": Reply(status=202, body=b"", content_type="text/plain")}
    server = serve(routes)
    routes["/feed.xml"] = Reply(body=FEED.format(base=server.base).encode(), content_type="application/rss+xml")
    routes["/a/1"] = Reply(body=b"<html><body><article><p>First story.</p></article></body></html>")
    feed = make_feed(make_publisher(), url=server.base + "/feed.xml")
    context = IngestContext.from_settings(allow_loopback=True)

    feed_refresh(feed=feed, context=context)
    feed_refresh(feed=feed, context=context)

    subscription = WebSubSubscription.objects.get(feed=feed)
    assert subscription.hub_url == server.base + "/hub"
    assert subscription.state == WebSubSubscription.State.PENDING
    assert [r.path for r in server.requests].count("/hub") == 1


@override_settings(SITE_URL="http://127.0.0.1:8000", NEWSDESK_WEBSUB_AUTOSUBSCRIBE=False)
def test_no_subscription_when_autosubscribe_is_off(serve):
    routes = {"/hub": Reply(status=202)}
    server = serve(routes)
    routes["/feed.xml"] = Reply(body=FEED.format(base=server.base).encode(), content_type="application/rss+xml")
    feed = make_feed(make_publisher(), url=server.base + "/feed.xml")

    report = feed_refresh(feed=feed, context=IngestContext.from_settings(allow_loopback=True))

    assert report.outcome == "ok"
    assert not WebSubSubscription.objects.exists()
    assert "/hub" not in [r.path for r in server.requests]
