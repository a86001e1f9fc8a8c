"""Why robots.txt stopped a fetch reaches the feed's health, the fetch log and `discover` as what really happened:
a rule of the site, or a robots.txt the SSRF guard refused (issue 8, defect 6) — not "disallows" for both."""

import pytest
from django.core.management import CommandError, call_command

from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.discovery import DISCOVERY_PAGE_FAILED, site_discover
from newsdesk.ingest.models import FetchAttempt
from newsdesk.ingest.services import feed_refresh
from newsdesk.reader.fetcher.errors import MSG_BLOCKED_ADDRESS
from newsdesk.reader.fetcher.robots import ROBOTS_DISALLOWS, ROBOTS_REFUSED_BY_GUARD
from tests.factories import make_feed, make_publisher
from tests.sources.conftest import serve  # noqa: F401 - loopback server fixture
from tests.sources.loopback import Reply

pytestmark = pytest.mark.django_db

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://t.example/</link>
<item><title>One</title><link>https://t.example/one</link></item></channel></rss>"""
# A publisher's robots.txt that redirects to the cloud metadata address: the fetcher refuses that hop.
TO_METADATA = Reply(status=302, headers=(("Location", "http://169.254.169.254/latest/robots.txt"),))
REFUSED = ROBOTS_REFUSED_BY_GUARD.format(reason=f"{MSG_BLOCKED_ADDRESS} (169.254.169.254)")


@pytest.fixture
def context():
    return IngestContext.from_settings(allow_loopback=True)


def test_a_feed_whose_robots_txt_the_guard_refuses_is_reported_as_such(serve, context):  # noqa: F811
    server = serve({"/robots.txt": TO_METADATA, "/feed.xml": Reply(body=RSS, content_type="application/rss+xml")})
    feed = make_feed(make_publisher(), url=server.base + "/feed.xml")

    report = feed_refresh(feed=feed, context=context)

    assert (report.outcome, report.error) == (FetchAttempt.Outcome.ERROR, REFUSED)
    feed.refresh_from_db()
    assert feed.last_error == REFUSED
    assert FetchAttempt.objects.get(feed=feed).error == REFUSED
    assert server.paths() == ["/robots.txt"]  # and the feed itself is not fetched while robots.txt is unknown


def test_a_feed_a_robots_rule_disallows_still_says_so(serve, context):  # noqa: F811
    robots = Reply(body=b"User-agent: *\nDisallow: /feed.xml\n", content_type="text/plain")
    server = serve({"/robots.txt": robots, "/feed.xml": Reply(body=RSS, content_type="application/rss+xml")})
    feed = make_feed(make_publisher(), url=server.base + "/feed.xml")

    report = feed_refresh(feed=feed, context=context)

    assert report.error == ROBOTS_DISALLOWS
    assert server.paths() == ["/robots.txt"]


def test_discover_names_the_guard_refusal_of_the_sites_robots_txt(serve):  # noqa: F811
    server = serve({"/robots.txt": TO_METADATA, "/": Reply(body=b"<html></html>")})

    with pytest.raises(CommandError) as refused:
        call_command("discover", server.base + "/", "--allow-loopback")

    assert str(refused.value) == DISCOVERY_PAGE_FAILED.format(reason=REFUSED)
    assert server.paths() == ["/robots.txt"]  # asked once: the refusal comes from the robots cache


def test_discovery_notes_why_a_feed_on_another_origin_was_not_probed(serve, context):  # noqa: F811
    other = serve({"/robots.txt": TO_METADATA, "/feed.xml": Reply(body=RSS, content_type="application/rss+xml")})
    page = f'<html><head><link rel="alternate" type="application/rss+xml" href="{other.base}/feed.xml"></head></html>'
    site = serve({"/": Reply(body=page.encode())})

    result = site_discover(url=site.base + "/", context=context)

    assert f"{other.base}/feed.xml: {REFUSED}" in result.notes
    assert other.paths() == ["/robots.txt"]
