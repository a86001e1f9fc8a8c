import json
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings

from tests.factories import make_article, make_category, make_feed, make_publisher

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture
def story(db):
    publisher = make_publisher(name="Planet", slug="planet")
    category = make_category("World", slug="world")
    feed = make_feed(publisher, url="https://planet.example/rss")
    return make_article(
        publisher,
        feed=feed,
        category=category,
        title="Quake hits coast",
        original_url="https://planet.example/quake",
        wire_credit="AFP",
        body_html="<p>Full quake report.</p>",
    )


FEED_PATHS = ["/feeds/{fmt}", "/category/world/{fmt}", "/publisher/planet/{fmt}"]


@pytest.mark.parametrize("path", FEED_PATHS)
def test_rss_feed_parses_and_items_link_our_page_with_credit(client, story, path):
    response = client.get(path.format(fmt="rss.xml"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    (item,) = root.findall("./channel/item")
    assert item.findtext("title") == "Quake hits coast"
    assert item.findtext("link") == settings.SITE_URL + story.get_absolute_url()
    description = item.findtext("description")
    assert "Originally published by Planet:" in description
    assert "https://planet.example/quake" in description
    assert "With AFP" in description
    assert "<p>Full quake report.</p>" in description
    source = item.find("source")
    assert source.text == "Planet"
    assert source.get("url") == "https://planet.example/rss"


@pytest.mark.parametrize("path", FEED_PATHS)
def test_atom_feed_parses_and_entries_link_our_page_and_the_original(client, story, path):
    response = client.get(path.format(fmt="atom.xml"))

    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    (entry,) = root.findall(f"{ATOM}entry")
    links = {link.get("rel"): link.get("href") for link in entry.findall(f"{ATOM}link")}
    assert links["alternate"] == settings.SITE_URL + story.get_absolute_url()
    assert links["via"] == "https://planet.example/quake"
    assert "Originally published by Planet:" in entry.findtext(f"{ATOM}summary")
    assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Jane Reporter"


@pytest.mark.parametrize("path", FEED_PATHS)
def test_atom_feed_entries_say_their_own_language(client, story, path):
    # The feed of every language is labelled with the site's; each entry overrides it with its article's language.
    german = make_article(story.publisher, category=story.category, title="Beben an der Küste", language="de")

    root = ET.fromstring(client.get(path.format(fmt="atom.xml")).content)

    entries = {entry.findtext(f"{ATOM}title"): entry.get(XML_LANG) for entry in root.findall(f"{ATOM}entry")}
    assert root.get(XML_LANG) == "en"
    assert entries == {"Quake hits coast": "en", german.title: "de"}


@pytest.mark.parametrize("path", FEED_PATHS)
def test_json_feed_is_version_1_1_and_items_credit_the_original(client, story, path):
    response = client.get(path.format(fmt="feed.json"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/feed+json")
    document = json.loads(response.content)
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["feed_url"] == settings.SITE_URL + path.format(fmt="feed.json")
    (item,) = document["items"]
    assert item["url"] == settings.SITE_URL + story.get_absolute_url()
    assert item["external_url"] == "https://planet.example/quake"
    assert "Originally published by Planet: https://planet.example/quake" in item["content_text"]
    assert "With AFP" in item["content_text"]
    assert item["_newsdesk"]["wire_credit"] == "AFP"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/category/nope/rss.xml", "/category/nope/atom.xml", "/publisher/nope/feed.json", "/publisher/nope/rss.xml"],
)
def test_feeds_of_unknown_scopes_are_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_empty_feeds_still_validate(client):
    assert ET.fromstring(client.get("/feeds/rss.xml").content).find("channel") is not None
    assert ET.fromstring(client.get("/feeds/atom.xml").content).tag == f"{ATOM}feed"
    assert json.loads(client.get("/feeds/feed.json").content)["items"] == []
