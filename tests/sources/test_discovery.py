"""site_discover / site_subscribe and the `discover` command against real servers on 127.0.0.1."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.discovery import (
    DISCOVERY_NOTHING_FOUND,
    DISCOVERY_PAGE_FAILED,
    DiscoveryError,
    site_discover,
    site_subscribe,
)
from newsdesk.reader.fetcher.errors import MSG_BLOCKED_ADDRESS
from newsdesk.reader.fetcher.robots import ROBOTS_DISALLOWS
from newsdesk.sources.models import Feed, Publisher
from tests.factories import make_publisher
from tests.sources.loopback import Reply

# Every fetch through IngestContext consults the database (Crawl-delay slots, 429/503 pauses other workers saw).
pytestmark = pytest.mark.django_db

RSS = b"""<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>Loop News</title><link>{home}</link>
<atom:link rel="hub" href="https://hub.example/"/><atom:link rel="self" href="{home}rss.xml"/>
<item><title>One</title><link>{home}one</link><guid>1</guid></item>
<item><title>Two</title><link>{home}two</link><guid>2</guid></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Loop Atom</title>
<id>urn:x</id><updated>2024-01-01T00:00:00Z</updated>
<entry><title>A</title><id>urn:a</id><link href="{home}a"/><updated>2024-01-01T00:00:00Z</updated></entry></feed>"""
JSONFEED = (
    b'{"version": "https://jsonfeed.org/version/1.1", "title": "Loop JSON", "items": [{"id": "1", "url": "{home}j"}]}'
)
SITEMAP = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{home}one</loc></url></urlset>"""
XML = "application/xml"


def _page(*links: str) -> bytes:
    heads = "".join(links)
    return f"<!doctype html><html><head><title>Loop</title>{heads}</head><body><p>hi</p></body></html>".encode()


def _fill(template: bytes, server) -> bytes:
    return template.replace(b"{home}", f"{server.base}/".encode())


@pytest.fixture
def context():
    return IngestContext.from_settings(allow_loopback=True)


def _site(serve, routes_for):
    """A server whose routes may refer to its own address."""
    server = serve({})
    server.routes.update(routes_for(server))
    return server


def test_link_rel_alternate_feeds_are_found_and_validated(serve, context):
    server = _site(
        serve,
        lambda s: {
            "/": Reply(
                body=_page(
                    '<link rel="alternate" type="application/rss+xml" href="/rss.xml">',
                    '<link rel="alternate" type="application/atom+xml" href="/broken.xml">',
                    '<link rel="alternate" type="application/feed+json" href="feed.json">',
                )
            ),
            "/rss.xml": Reply(body=_fill(RSS, s), content_type="application/rss+xml"),
            "/broken.xml": Reply(body=b"<html><body>oops</body></html>"),
            "/feed.json": Reply(body=_fill(JSONFEED, s), content_type="application/feed+json"),
        },
    )

    result = site_discover(url=server.base + "/", context=context)

    assert [(f.url, f.kind, f.title, f.entries, f.found_by) for f in result.feeds] == [
        (server.base + "/rss.xml", "rss", "Loop News", 2, "link"),
        (server.base + "/feed.json", "jsonfeed", "Loop JSON", 1, "link"),
    ]
    assert result.feeds[0].hub_url == "https://hub.example/"
    assert result.homepage == server.base + "/"
    # The page named feeds, so no path was guessed.
    assert "/atom.xml" not in server.paths()


def test_common_paths_are_probed_when_the_page_names_no_feed(serve, context):
    server = _site(
        serve,
        lambda s: {
            "/": Reply(body=_page()),
            "/atom.xml": Reply(body=_fill(ATOM, s), content_type="application/atom+xml"),
            "/feed.json": Reply(body=_fill(JSONFEED, s), content_type="application/json"),
            "/feed": Reply(body=_page()),  # a soft 404: an HTML page where a feed could be
        },
    )

    result = site_discover(url=server.base + "/", context=context)

    assert [(f.url, f.kind, f.found_by) for f in result.feeds] == [
        (server.base + "/atom.xml", "atom", "path"),
        (server.base + "/feed.json", "jsonfeed", "path"),
    ]
    assert result.notes == ()  # 404s and HTML pages on guessed paths are not worth reporting


def test_sitemaps_named_in_robots_txt_are_listed(serve, context):
    server = _site(
        serve,
        lambda s: {
            "/robots.txt": Reply(
                body=f"User-agent: *\nDisallow: /private/\nSitemap: {s.base}/news-sitemap.xml\nSitemap: /gone.xml\n".encode(),
                content_type="text/plain",
            ),
            "/": Reply(body=_page('<link rel="alternate" type="application/rss+xml" href="/private/rss.xml">')),
            "/news-sitemap.xml": Reply(body=_fill(SITEMAP, s), content_type=XML),
        },
    )

    result = site_discover(url=server.base + "/", context=context)

    assert [(f.url, f.kind, f.found_by) for f in result.sitemaps] == [
        (server.base + "/news-sitemap.xml", "sitemap", "robots")
    ]
    assert f"{server.base}/private/rss.xml: {ROBOTS_DISALLOWS}" in result.notes
    assert f"{server.base}/gone.xml: HTTP 404" in result.notes  # a sitemap robots.txt names but does not serve
    assert "/private/rss.xml" not in server.paths()  # robots.txt is obeyed, not just noted


def test_a_feed_url_is_recognised_as_the_feed_itself(serve, context):
    server = _site(serve, lambda s: {"/rss.xml": Reply(body=_fill(RSS, s), content_type="application/rss+xml")})

    result = site_discover(url=server.base + "/rss.xml", context=context)

    assert [(f.url, f.found_by) for f in result.feeds] == [(server.base + "/rss.xml", "url")]
    assert server.paths().count("/rss.xml") == 1


def test_an_unreachable_site_raises_a_discovery_error(serve, context):
    server = serve({})
    address = server.base
    server.close()

    with pytest.raises(DiscoveryError, match=DISCOVERY_PAGE_FAILED.format(reason="").rstrip()):
        site_discover(url=address + "/", context=context)


def test_loopback_is_refused_unless_allowed(serve):
    server = serve({"/": Reply(body=_page())})

    with pytest.raises(DiscoveryError) as caught:
        site_discover(url=server.base + "/", context=IngestContext.from_settings(allow_loopback=False))

    assert MSG_BLOCKED_ADDRESS in str(caught.value)
    assert server.requests == []


@pytest.mark.django_db
def test_subscribe_follows_the_best_feed_under_a_new_publisher(serve, context):
    server = _site(
        serve,
        lambda s: {
            "/": Reply(
                body=_page(
                    '<link rel="alternate" type="application/rss+xml" href="/rss.xml">',
                    '<link rel="alternate" type="application/atom+xml" href="/comments.xml">',
                )
            ),
            "/rss.xml": Reply(body=_fill(RSS, s), content_type="application/rss+xml"),
            "/comments.xml": Reply(body=_fill(ATOM, s), content_type="application/atom+xml"),
        },
    )
    result = site_discover(url=server.base + "/", context=context)

    first = site_subscribe(result=result, display_policy=Publisher.DisplayPolicy.HEADLINE)
    again = site_subscribe(result=result, all_feeds=True)

    assert first.publisher_created
    assert not again.publisher_created
    assert (first.publisher.name, first.publisher.display_policy) == ("Loop News", "headline")
    assert [f.url for f in first.feeds] == [server.base + "/rss.xml"]
    assert sorted(Feed.objects.values_list("url", "kind")) == [
        (server.base + "/comments.xml", "atom"),
        (server.base + "/rss.xml", "rss"),
    ]


@pytest.mark.django_db
def test_subscribe_with_nothing_found_raises(serve, context):
    server = serve({"/": Reply(body=_page())})
    result = site_discover(url=server.base + "/", context=context)

    with pytest.raises(DiscoveryError, match=DISCOVERY_NOTHING_FOUND):
        site_subscribe(result=result)
    assert Publisher.objects.count() == 0


@pytest.mark.django_db
def test_discover_command_lists_and_subscribes(serve):
    server = _site(
        serve,
        lambda s: {
            "/": Reply(body=_page('<link rel="alternate" type="application/rss+xml" href="/rss.xml">')),
            "/rss.xml": Reply(body=_fill(RSS, s), content_type="application/rss+xml"),
        },
    )
    existing = make_publisher(name="Loopers", slug="loopers", homepage="https://loopers.example/")
    out = StringIO()

    call_command("discover", server.base + "/", "--allow-loopback", "--subscribe", "--publisher", "Loopers", stdout=out)

    text = out.getvalue()
    assert f"rss      {server.base}/rss.xml 'Loop News' entries=2 via=link hub=https://hub.example/" in text
    assert "publisher: Loopers (existing, slug loopers)" in text
    assert Feed.objects.get().publisher == existing


@pytest.mark.django_db
def test_discover_command_without_allow_loopback_fails_clearly(serve):
    server = serve({"/": Reply(body=_page())})

    with pytest.raises(CommandError, match=MSG_BLOCKED_ADDRESS):
        call_command("discover", server.base + "/")


@pytest.mark.django_db
def test_discover_command_can_ask_the_feeds_hub_to_push(serve, settings):
    settings.SITE_URL = "https://newsdesk.example"
    server = _site(
        serve,
        lambda s: {
            "/": Reply(body=_page('<link rel="alternate" type="application/rss+xml" href="/rss.xml">')),
            "/rss.xml": Reply(
                body=_fill(RSS, s).replace(b"https://hub.example/", f"{s.base}/hub".encode()),
                content_type="application/rss+xml",
            ),
            "/hub": Reply(status=202),
        },
    )
    out = StringIO()

    call_command("discover", server.base + "/", "--allow-loopback", "--subscribe", "--websub", stdout=out)

    assert f"websub: {server.base}/hub -> pending" in out.getvalue()
    (hub_request,) = [seen for seen in server.requests if seen.method == "POST"]
    assert b"hub.callback=https%3A%2F%2Fnewsdesk.example%2Fwebsub%2Fcallback%2F" in hub_request.body
    assert f"hub.topic={server.base}/rss.xml".replace(":", "%3A").replace("/", "%2F").encode() in hub_request.body


def _site_whose_feed_claims(serve, homepage: str):
    """A site whose one feed names `homepage` as its <link>."""
    return _site(
        serve,
        lambda s: {
            "/": Reply(body=_page('<link rel="alternate" type="application/rss+xml" href="/rss.xml">')),
            "/rss.xml": Reply(
                body=_fill(RSS, s).replace(f"<link>{s.base}/</link>".encode(), f"<link>{homepage}</link>".encode()),
                content_type="application/rss+xml",
            ),
        },
    )


def test_a_feed_claiming_another_sites_homepage_does_not_get_it(serve, context):
    server = _site_whose_feed_claims(serve, "https://bignews.example/")

    result = site_discover(url=server.base + "/", context=context)

    assert result.feeds[0].site_link == "https://bignews.example/"
    assert result.homepage == server.base + "/"


def test_a_feed_claiming_another_port_of_the_same_host_does_not_get_it_nor_its_publisher(serve, context):
    other_site = serve({})
    neighbour = make_publisher(name="Neighbour", slug="neighbour", homepage=other_site.base + "/")
    server = _site_whose_feed_claims(serve, other_site.base + "/")

    result = site_discover(url=server.base + "/", context=context)
    subscription = site_subscribe(result=result)

    assert result.feeds[0].site_link == other_site.base + "/"
    assert result.homepage == server.base + "/"
    assert subscription.publisher_created
    assert subscription.publisher != neighbour
    assert subscription.publisher.homepage == server.base + "/"
