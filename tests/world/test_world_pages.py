"""Article pages, front pages and images: metadata, boilerplate, wire credits and markup variety."""

from __future__ import annotations

import json

import lxml.html
import pytest
from defusedxml import ElementTree

from newsdesk_world import World, WorldServer
from newsdesk_world.model import Article

from .loopback import fetch

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def page_tree(server: WorldServer, article: Article) -> lxml.html.HtmlElement:
    response = fetch(server.article_url(article))
    assert response.status == 200
    return lxml.html.fromstring(response.body)


def sample_articles(world: World) -> list[Article]:
    """Two articles per publisher plus every wire copy."""
    chosen = {a.id: a for p in world.publishers for a in world.articles_of(p.slug)[:2]}
    chosen.update({a.id: a for a in world.articles if a.wire_credit})
    return list(chosen.values())


def test_article_pages_declare_canonical_language_and_feeds(world: World, server: WorldServer) -> None:
    for article in sample_articles(world):
        publisher = world.publisher(article.publisher)
        tree = page_tree(server, article)
        assert tree.get("lang") in {publisher.language, f"{publisher.language}-{publisher.country}"}
        assert tree.xpath('//link[@rel="canonical"]/@href') == [server.article_url(article)]
        alternates = tree.xpath('//link[@rel="alternate"]/@type')
        assert alternates == ["application/rss+xml", "application/atom+xml", "application/feed+json"]
        assert [h.text_content() for h in tree.xpath("//h1")] == [article.headline]


def test_article_pages_contain_the_whole_text(world: World, server: WorldServer) -> None:
    for article in sample_articles(world):
        text = page_tree(server, article).text_content()
        assert all(paragraph in text for paragraph in article.paragraphs)
        assert article.dek in text
        assert article.byline in text


def test_article_pages_carry_real_site_boilerplate(world: World, server: WorldServer) -> None:
    for publisher in world.publishers:
        article = world.articles_of(publisher.slug)[0]
        tree = page_tree(server, article)
        assert tree.xpath('//*[@id="cookie-consent"]')
        assert tree.xpath("//nav//a")
        assert tree.xpath('//*[contains(@class, "ad ")]')
        assert tree.xpath('//*[contains(@class, "newsletter-signup")]')
        assert tree.xpath('//*[contains(@class, "related-articles")]//a')
        assert tree.xpath('//*[@id="comments"]')
        assert len(tree.xpath('//*[@class="comment"]')) == len(article.comments)
        assert tree.xpath("//footer")


def test_structured_metadata_follows_each_publishers_style(world: World, server: WorldServer) -> None:
    for publisher in world.publishers:
        article = world.articles_of(publisher.slug)[0]
        tree = page_tree(server, article)
        scripts = tree.xpath('//script[@type="application/ld+json"]/text()')
        assert bool(scripts) is publisher.style.json_ld
        if scripts:
            data = json.loads(scripts[0])
            nodes = data.get("@graph", [data])
            news = next(n for n in nodes if n["@type"] == "NewsArticle")
            assert news["headline"] == article.headline
            assert news["mainEntityOfPage"]["@id"] == server.article_url(article)
        og_title = tree.xpath('//meta[@property="og:title"]/@content')
        assert og_title == ([article.headline] if publisher.style.og_tags else [])


def test_wire_copies_show_the_agency_credit(world: World, server: WorldServer) -> None:
    for article in (a for a in world.articles if a.wire_credit):
        style = world.publisher(article.publisher).style
        tree = page_tree(server, article)
        if style.wire_meta_author:
            assert tree.xpath('//meta[@name="author"]/@content') == [article.wire_credit]
        if style.wire_byline == "{agency}":
            assert article.byline == article.wire_credit
        body = tree.text_content()
        assert f"({article.wire_credit})" in body or f"{article.wire_credit}" in article.paragraphs[-1]


def test_pages_are_marked_up_differently_by_each_publisher(world: World, server: WorldServer) -> None:
    signatures = set()
    for publisher in world.publishers:
        tree = page_tree(server, world.articles_of(publisher.slug)[0])
        classes = frozenset(c for value in tree.xpath("//@class") for c in value.split())
        signatures.add(classes)
    assert len(signatures) == len(world.publishers)
    layouts = {p.style.layout for p in world.publishers}
    assert {"classic", "storybody", "magazine", "portal", "modern"} == layouts


def test_homepage_links_to_every_article(world: World, server: WorldServer) -> None:
    for publisher in world.publishers:
        tree = lxml.html.fromstring(fetch(server.url(publisher.slug, "/")).body)
        links = set(tree.xpath("//a/@href"))
        assert {a.path for a in world.articles_of(publisher.slug)} <= links
        assert tree.xpath('//link[@rel="alternate"][@type="application/rss+xml"]')


@pytest.mark.parametrize("slug", ["northbridge-courier", "gazette-des-tilleuls"])
def test_lead_images_are_valid_and_served_by_the_publisher(world: World, server: WorldServer, slug: str) -> None:
    for article in world.articles_of(slug)[:3]:
        response = fetch(server.url(slug, article.image_path))
        assert response.status == 200
        if article.image_path.endswith(".png"):
            assert response.headers["Content-Type"] == "image/png"
            assert response.body.startswith(PNG_SIGNATURE)
            assert response.body[12:16] == b"IHDR"
        else:
            assert response.headers["Content-Type"] == "image/svg+xml"
            assert ElementTree.fromstring(response.body).tag == "{http://www.w3.org/2000/svg}svg"


def test_section_and_contact_pages_exist(world: World, server: WorldServer) -> None:
    publisher = world.publishers[0]
    contact = fetch(server.url(publisher.slug, "/contact"))
    assert contact.status == 200
    assert publisher.contact_email in contact.text
    assert fetch(server.url(publisher.slug, "/politics/")).status == 200
