"""The server: robots.txt, broken inputs, the directory documents, the request log and port handling."""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.parse
import urllib.robotparser
from pathlib import Path

import feedparser
import pytest
from defusedxml import ElementTree

from newsdesk_world import World, WorldServer, WorldServerError, running_world, serve_world
from newsdesk_world.model import (
    PROBLEM_MALFORMED,
    PROBLEM_NOT_FOUND,
    PROBLEM_REDIRECT,
    PROBLEM_SERVER_ERROR,
    PROBLEM_SLOW,
)

from .loopback import ANCHOR, SLOW_DELAY_S, fetch


def raw_get(url: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    """One request without following redirects."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    connection.request("GET", parts.path or "/", headers=headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def robots_for(server: WorldServer, slug: str) -> urllib.robotparser.RobotFileParser:
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(fetch(server.url(slug, "/robots.txt")).text.splitlines())
    return parser


def test_every_robots_txt_names_its_sitemap(world: World, server: WorldServer) -> None:
    for publisher in world.publishers:
        text = fetch(server.url(publisher.slug, "/robots.txt")).text
        assert f"Sitemap: {server.url(publisher.slug, '/sitemap.xml')}" in text.splitlines()


def test_only_one_robots_txt_forbids_article_pages_and_it_still_allows_feeds(world: World, server: WorldServer) -> None:
    for publisher in world.publishers:
        robots = robots_for(server, publisher.slug)
        article_url = server.article_url(world.articles_of(publisher.slug)[0])
        assert robots.can_fetch("newsdesk", article_url) is not publisher.robots_disallows_articles
        assert robots.can_fetch("newsdesk", server.primary_feed_url(publisher.slug))
        assert robots.can_fetch("newsdesk", server.url(publisher.slug, "/"))


def test_the_noarchive_publisher_says_so_in_header_and_meta(world: World, server: WorldServer) -> None:
    for publisher in world.publishers:
        page = fetch(server.article_url(world.articles_of(publisher.slug)[0]))
        assert page.status == 200
        has_meta = '<meta name="robots" content="noarchive">' in page.text
        assert has_meta is publisher.noarchive
        assert (page.headers.get("X-Robots-Tag") == "noarchive") is publisher.noarchive


def test_extra_feeds_cover_each_declared_problem(world: World) -> None:
    assert {feed.expected_problem for feed in world.extra_feeds} == {
        PROBLEM_MALFORMED,
        PROBLEM_NOT_FOUND,
        PROBLEM_SERVER_ERROR,
        PROBLEM_SLOW,
        PROBLEM_REDIRECT,
    }


def test_extra_feeds_behave_as_declared(world: World, server: WorldServer) -> None:
    for feed in world.extra_feeds:
        url = server.url(feed.publisher_slug, feed.path)
        started = time.perf_counter()
        response = raw_get(url)
        elapsed = time.perf_counter() - started
        if feed.expected_problem == PROBLEM_MALFORMED:
            parsed = feedparser.parse(fetch(url).body)
            assert response.status == 200
            assert parsed.bozo
        elif feed.expected_problem == PROBLEM_NOT_FOUND:
            assert response.status == 404
        elif feed.expected_problem == PROBLEM_SERVER_ERROR:
            assert response.status == 500
        elif feed.expected_problem == PROBLEM_SLOW:
            assert response.status == 200
            assert elapsed >= SLOW_DELAY_S
            assert not feedparser.parse(fetch(url).body).bozo
        elif feed.expected_problem == PROBLEM_REDIRECT:
            assert response.status == 301
            assert response.getheader("Location") == server.feed_url(feed.publisher_slug, "rss")


def test_broken_article_links_are_in_the_feed_and_answer_with_their_status(world: World, server: WorldServer) -> None:
    assert 2 <= len(world.broken_article_urls) <= 3
    for link in world.broken_article_urls:
        publisher = world.publisher(link.publisher_slug)
        parsed = feedparser.parse(fetch(server.feed_url(link.publisher_slug, "rss")).body)
        assert server.url(link.publisher_slug, link.path) + publisher.style.feed_link_query in [
            e.link for e in parsed.entries
        ]
        assert fetch(server.url(link.publisher_slug, link.path)).status == link.status


def test_world_json_describes_every_publisher_and_broken_input(world: World, server: WorldServer) -> None:
    document = json.loads(fetch(server.world_json_url).body)
    assert [p["slug"] for p in document["publishers"]] == [p.slug for p in world.publishers]
    for entry, publisher in zip(document["publishers"], world.publishers, strict=True):
        assert entry["homepage"] == server.publisher_base_url(publisher.slug) + "/"
        assert entry["primary_feed_url"] == server.primary_feed_url(publisher.slug)
        assert entry["primary_feed_kind"] == publisher.primary_feed_kind
        assert set(entry["feeds"]) == {"rss", "atom", "jsonfeed", "sitemap"}
        for key in ("name", "country", "language", "display_policy_hint", "contact_domain"):
            assert entry[key] == getattr(publisher, key)
    assert [(f["publisher"], f["expected_problem"]) for f in document["extra_feeds"]] == [
        (f.publisher_slug, f.expected_problem) for f in world.extra_feeds
    ]
    assert len(document["broken_article_urls"]) == len(world.broken_article_urls)


def test_opml_lists_every_primary_feed(world: World, server: WorldServer) -> None:
    root = ElementTree.fromstring(fetch(server.opml_url).body)
    assert root.get("version") == "2.0"
    feeds = [o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")]
    assert feeds == [server.primary_feed_url(p.slug) for p in world.publishers]


def test_the_host_header_does_not_matter(server: WorldServer) -> None:
    for host in ("news.example", "localhost:1", "127.0.0.1"):
        assert raw_get(server.world_json_url, {"Host": host}).status == 200


def test_unknown_paths_are_404_and_query_strings_are_ignored(world: World, server: WorldServer) -> None:
    article = world.articles_of("faro-de-valdeluna")[0]
    assert fetch(server.url("faro-de-valdeluna", "/no/such/page")).status == 404
    assert fetch(server.feed_link(article)).status == 200
    assert fetch(server.article_url(article) + "?utm_source=x").status == 200


def test_the_request_log_records_each_request(world: World, server: WorldServer) -> None:
    url = server.url("gazette-des-tilleuls", "/atom.xml?probe=log")
    fetch(url, {"User-Agent": "world-test/1.0"})
    record = next(r for r in reversed(server.requests.snapshot()) if r.path == "/atom.xml?probe=log")
    assert record.publisher == "gazette-des-tilleuls"
    assert record.port == urllib.parse.urlsplit(url).port
    assert record.method == "GET"
    assert record.status == 200
    assert record.headers["User-Agent"] == "world-test/1.0"
    assert record.timestamp <= time.time()


def test_the_log_file_gets_one_json_line_per_request(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    with running_world(seed=3, anchor=ANCHOR, log_path=log) as server:
        fetch(server.world_json_url)
        fetch(server.url("lakeshore-ledger", "/robots.txt"))
        fetch(server.url("lakeshore-ledger", "/missing"))
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(line["publisher"], line["path"], line["status"]) for line in lines] == [
        ("", "/world.json", 200),
        ("lakeshore-ledger", "/robots.txt", 200),
        ("lakeshore-ledger", "/missing", 404),
    ]


def _free_port_block(size: int) -> int:
    """A base port with `size` free ports after it, found by probing below the kernel's ephemeral range (where no
    bind(0) or outgoing connection can take one before the world binds them)."""
    for base in range(20_000, 32_000, 97):
        sockets = []
        try:
            for port in range(base, base + size):
                probe = socket.socket()
                sockets.append(probe)
                probe.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for probe in sockets:
                probe.close()
    pytest.skip("no block of free loopback ports")


def test_a_fixed_port_puts_publishers_on_the_following_ports(world: World) -> None:
    base = _free_port_block(len(world.publishers) + 1)
    with serve_world(world, port=base) as server:
        assert server.base_url == f"http://127.0.0.1:{base}"
        for offset, publisher in enumerate(world.publishers, start=1):
            assert server.publisher_base_url(publisher.slug) == f"http://127.0.0.1:{base + offset}"
        assert fetch(server.url(world.publishers[-1].slug, "/")).status == 200


def test_a_taken_port_is_refused_with_a_clear_error(world: World) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(WorldServerError, match=f"port {port} on 127.0.0.1 is already in use"):
            serve_world(world, port=port)


@pytest.mark.parametrize("port", [-5, 65530])
def test_a_port_range_outside_1_to_65535_is_refused(world: World, port: int) -> None:
    with pytest.raises(WorldServerError, match="out of range"):
        serve_world(world, port=port)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.org"])
def test_only_loopback_addresses_are_bound(world: World, host: str) -> None:
    with pytest.raises(WorldServerError, match="only binds loopback"):
        serve_world(world, host=host)


def test_revisions_undone_serve_the_world_as_it_was_pages_and_feeds_alike(world: World):
    article = next(a for a in world.articles if a.paragraphs)
    with serve_world(world) as server:
        page, feed = server.page_body(article.publisher, article.path), server.page_body(article.publisher, "/atom.xml")
        server.article_revise(article, headline="The harbour reopens", paragraphs=("A new text.",))
        assert b"The harbour reopens" in server.page_body(article.publisher, article.path)
        assert server.page_body(article.publisher, "/atom.xml") != feed

        server.revisions_undo(world)

        assert server.world is world
        assert server.page_body(article.publisher, article.path) == page
        assert server.page_body(article.publisher, "/atom.xml") == feed
