"""`?lang=` on the article feeds (RSS, Atom, JSON Feed; site-wide, per category, per publisher)."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from newsdesk.articles.models import Article
from tests.factories import make_article, make_category, make_publisher
from tests.stories.rows import make_story

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


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _declared(client, base: str) -> tuple[str | None, str | None, str | None]:
    """The language the RSS channel, the Atom feed and the JSON Feed at `base` say they are in (None: none)."""
    rss = ET.fromstring(client.get(f"{base}rss.xml").content).find("./channel/language")
    atom = ET.fromstring(client.get(f"{base}atom.xml").content).get(XML_LANG)
    feed = json.loads(client.get(f"{base}feed.json").content)
    return (rss.text if rss is not None else None), atom, feed.get("language")


def test_a_feed_all_in_one_language_says_it_and_a_mixed_one_claims_none(client, bilingual):
    """A German publisher's RSS channel said English (the site's language), and RSS items cannot say their own; a
    feed of several languages is in none of them. Atom keeps the site's language for its own (English) text, and
    each entry says its own."""
    german = make_publisher(name="Blatt", slug="blatt", language="de")
    make_article(german, title="Beben an der Küste", language="de")
    make_article(german, title="Nachbeben erwartet", language="de")

    assert _declared(client, "/publisher/blatt/") == ("de", "en", "de")
    assert _declared(client, "/feeds/") == (None, "en", None)
    assert _declared(client, "/category/world/") == (None, "en", None)


def test_a_stories_feed_of_several_languages_claims_none(client, bilingual):
    for article in Article.objects.all():
        make_story([article])

    assert _declared(client, "/stories/") == (None, "en", None)


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
