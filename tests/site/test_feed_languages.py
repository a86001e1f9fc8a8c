"""`?lang=` on the article feeds (RSS, Atom, JSON Feed; site-wide, per category, per publisher)."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from tests.factories import make_article, make_category, make_publisher

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def bilingual(db):
    publisher = make_publisher(name="Planet", slug="planet")
    category = make_category("World", slug="world")
    make_article(publisher, category=category, title="Quake hits coast", language="en")
    make_article(publisher, category=category, title="Un séisme frappe la côte", language="fr")


@pytest.mark.parametrize("base", ["/feeds/", "/category/world/", "/publisher/planet/"])
def test_every_feed_format_narrows_to_one_language(client, bilingual, base):
    rss = ET.fromstring(client.get(f"{base}rss.xml", {"lang": "fr-CA"}).content)
    atom = ET.fromstring(client.get(f"{base}atom.xml", {"lang": "fr"}).content)
    feed = json.loads(client.get(f"{base}feed.json", {"lang": "fr"}).content)

    assert [t.text for t in rss.findall("./channel/item/title")] == ["Un séisme frappe la côte"]
    assert rss.find("./channel/language").text == "fr"
    assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert [t.text for t in atom.findall(f"./{ATOM}entry/{ATOM}title")] == ["Un séisme frappe la côte"]
    assert [item["title"] for item in feed["items"]] == ["Un séisme frappe la côte"]
    assert feed["language"] == "fr"
    assert feed["feed_url"].endswith(f"{base}feed.json?lang=fr")
    assert feed["items"][0]["language"] == "fr"


def test_without_lang_every_language_is_listed(client, bilingual):
    for params in ({}, {"lang": ""}):
        feed = json.loads(client.get("/feeds/feed.json", params).content)
        assert len(feed["items"]) == 2
        assert "language" not in feed


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/feeds/rss.xml",
        "/feeds/atom.xml",
        "/feeds/feed.json",
        "/category/world/feed.json",
        "/publisher/planet/rss.xml",
        "/stories/rss.xml",
        "/stories/atom.xml",
        "/stories/feed.json",
    ],
)
@pytest.mark.parametrize("junk", ["%%", "english", "1x", "fr-!!", "\x00"])
def test_a_malformed_lang_is_a_400_naming_it_as_search_and_the_api_do(client, bilingual, path, junk):
    # Silently listing every language would hand a reader who mistyped the filter what they asked not to see.
    response = client.get(path, {"lang": junk})

    assert response.status_code == 400
    assert "lang must be a language code such as en, fr or pt-BR" in response.content.decode()
    assert "Traceback" not in response.content.decode()


@pytest.mark.parametrize("page", ["/", "/search/?q=quake"])
def test_a_page_narrowed_to_a_language_offers_its_feeds_narrowed_too(client, bilingual, page):
    # What a feed reader discovers on a French reader's page is the French feed, not every language.
    joiner = "&" if "?" in page else "?"
    narrowed = re.findall(
        r'<link rel="alternate" [^>]*href="([^"]+)"', client.get(f"{page}{joiner}lang=fr").content.decode()
    )
    plain = re.findall(r'<link rel="alternate" [^>]*href="([^"]+)"', client.get(page).content.decode())

    assert len(narrowed) == len(plain) >= 3
    assert [href.replace("&amp;", "&") for href in narrowed] == [f"{href}?lang=fr" for href in plain]
    assert all("lang" not in href for href in plain)
    assert client.get(narrowed[0].replace("&amp;", "&")).status_code == 200
