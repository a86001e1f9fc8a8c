"""Every publisher's feeds parse, list every article newest first, and honour conditional GET."""

from __future__ import annotations

import json

import feedparser
import pytest
from defusedxml import ElementTree

from newsdesk_world import World, WorldServer
from newsdesk_world.model import FEED_PATHS

from .loopback import fetch

SLUGS = [
    "northbridge-courier",
    "lakeshore-ledger",
    "harbour-point-herald",
    "pinecrest-observer",
    "veilleur-montfleury",
    "gazette-des-tilleuls",
    "echo-deux-rives",
    "quotidien-du-lac",
    "nordstaedter-rundschau",
    "tannenfelder-anzeiger",
    "alpenblick-allgemeine",
    "seelaender-tagespost",
    "faro-de-valdeluna",
    "diario-la-brujula",
    "heraldo-sierra-alta",
    "cronica-rio-manso",
]
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def expected_links(world: World, server: WorldServer, slug: str, *, canonical: bool = False) -> list[str]:
    """The links a feed should give, newest first: every article plus any broken link."""
    items = [(a.published, a.path if canonical else a.feed_link_path) for a in world.articles_of(slug)]
    query = "" if canonical else world.publisher(slug).style.feed_link_query
    items += [(b.published, b.path + query) for b in world.broken_links_of(slug)]
    items.sort(key=lambda item: item[0], reverse=True)
    return [server.url(slug, path) for _, path in items]


def test_the_catalogue_under_test_is_the_whole_world(world: World) -> None:
    assert [p.slug for p in world.publishers] == SLUGS


@pytest.mark.parametrize("slug", SLUGS)
def test_rss_lists_every_article_newest_first(world: World, server: WorldServer, slug: str) -> None:
    parsed = feedparser.parse(fetch(server.feed_url(slug, "rss")).body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert [e.link for e in parsed.entries] == expected_links(world, server, slug)
    assert all(e.get("id") and e.get("published_parsed") and e.get("author") for e in parsed.entries)
    article_links = {server.feed_link(a) for a in world.articles_of(slug)}
    for entry in (e for e in parsed.entries if e.link in article_links):
        assert entry.get("media_content") or entry.get("enclosures")
        if world.publisher(slug).style.rss_content_encoded:
            assert entry.content[0].value.startswith("<p>")


@pytest.mark.parametrize("slug", SLUGS)
def test_atom_lists_every_article_newest_first(world: World, server: WorldServer, slug: str) -> None:
    parsed = feedparser.parse(fetch(server.feed_url(slug, "atom")).body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert [e.link for e in parsed.entries] == expected_links(world, server, slug)
    ids = [e.id for e in parsed.entries]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("slug", SLUGS)
def test_json_feed_lists_every_article_newest_first(world: World, server: WorldServer, slug: str) -> None:
    response = fetch(server.feed_url(slug, "jsonfeed"))
    assert response.headers["Content-Type"].startswith("application/feed+json")
    document = json.loads(response.body)
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["feed_url"] == server.feed_url(slug, "jsonfeed")
    assert [item["url"] for item in document["items"]] == expected_links(world, server, slug)
    assert all(("content_html" in item) != ("content_text" in item) for item in document["items"])


@pytest.mark.parametrize("slug", SLUGS)
def test_news_sitemap_lists_canonical_urls_with_news_fields(world: World, server: WorldServer, slug: str) -> None:
    root = ElementTree.fromstring(fetch(server.feed_url(slug, "sitemap")).body)
    urls = root.findall(f"{SITEMAP}url")
    assert [u.findtext(f"{SITEMAP}loc") for u in urls] == expected_links(world, server, slug, canonical=True)
    for url in urls:
        news = url.find(f"{NEWS}news")
        assert news.findtext(f"{NEWS}publication/{NEWS}name") == world.publisher(slug).name
        assert news.findtext(f"{NEWS}publication/{NEWS}language") == world.publisher(slug).language
        assert news.findtext(f"{NEWS}publication_date")
        assert news.findtext(f"{NEWS}title")


def test_sitemap_index_points_at_the_news_sitemap(server: WorldServer) -> None:
    for slug in SLUGS:
        root = ElementTree.fromstring(fetch(server.url(slug, "/sitemap.xml")).body)
        assert root.tag == f"{SITEMAP}sitemapindex"
        assert [s.findtext(f"{SITEMAP}loc") for s in root] == [server.feed_url(slug, "sitemap")]


@pytest.mark.parametrize("kind", list(FEED_PATHS))
def test_feeds_answer_304_to_a_matching_etag(server: WorldServer, kind: str) -> None:
    url = server.feed_url("veilleur-montfleury", kind)
    first = fetch(url)
    assert first.status == 200
    assert first.headers["ETag"]
    assert first.headers["Last-Modified"]
    again = fetch(url, {"If-None-Match": first.headers["ETag"]})
    assert again.status == 304
    assert again.body == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert fetch(url, {"If-None-Match": '"something-else"'}).status == 200


def test_feeds_answer_304_to_if_modified_since(server: WorldServer) -> None:
    url = server.feed_url("faro-de-valdeluna", "rss")
    last_modified = fetch(url).headers["Last-Modified"]
    assert fetch(url, {"If-Modified-Since": last_modified}).status == 304
    assert fetch(url, {"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}).status == 200
    assert fetch(url, {"If-Modified-Since": "not a date"}).status == 200


def test_feed_bodies_are_gzipped_when_asked(server: WorldServer) -> None:
    import gzip

    plain = fetch(server.feed_url("diario-la-brujula", "atom"))
    zipped = fetch(server.feed_url("diario-la-brujula", "atom"), {"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.body) == plain.body
