"""A card or list item in another language says so with its lang, and the site's own English words inside it (the
count of outlets, the date, the wire credit's "With") say they are English: a screen reader read "9 outlets" and
"5 Dec 2026" with a German or Spanish voice. Language badges show each language's name as written (Deutsch,
English), not lowercased."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from lxml import html as lxml_html

from tests.factories import make_article, make_category, make_publisher
from tests.stories.rows import make_story

pytestmark = pytest.mark.django_db


def language_of(element) -> str:
    """The language an element's text is read in: its own lang or its nearest ancestor's."""
    for node in (element, *element.iterancestors()):
        if node.get("lang"):
            return node.get("lang")
    return ""


@pytest.fixture
def german_story():
    category = make_category(name="Kultur")
    publishers = [make_publisher(name=f"Rundschau {n}", language="de") for n in range(2)]
    articles = [
        make_article(publisher, title=f"Streik an der Oper {n}", language="de", wire_credit="dpa", category=category)
        for n, publisher in enumerate(publishers)
    ]
    make_story(articles)
    return category


def test_a_german_cards_english_words_are_marked_english(client, german_story):
    page = lxml_html.fromstring(client.get("/").content)
    (card,) = page.find_class("story-card")
    assert language_of(card.find(".//h2")) == "de"
    (outlets,) = card.find_class("outlets")
    assert outlets.text_content() == "2 outlets"
    assert language_of(outlets) == "en"
    assert language_of(card.find(".//time")) == "en"
    (wire,) = card.find_class("wire")
    assert (wire.text_content(), language_of(wire)) == ("With dpa", "en")


def test_a_german_list_items_date_and_wire_credit_are_marked_english(client, german_story):
    page = lxml_html.fromstring(client.get(german_story.get_absolute_url()).content)
    items = page.find_class("item")
    assert items
    for item in items:
        assert language_of(item.find_class("item-title")[0]) == "de"
        assert language_of(item.find(".//time")) == "en"
        assert [language_of(wire) for wire in item.find_class("wire")] == ["en"]


def test_language_badges_keep_the_case_of_the_languages_names():
    stylesheet = Path(finders.find("site/site.css")).read_text(encoding="utf-8")
    rules = [rule for rule in stylesheet.split("}") if ".badge.language" in rule or ".badge {" in rule]
    assert rules
    assert not [rule for rule in rules if "text-transform" in rule]


@pytest.mark.parametrize("path", ["/feeds/atom.xml", "/stories/atom.xml", "/feeds/feed.json"])
def test_a_german_feed_items_english_credit_and_counts_are_marked_english(client, german_story, path):
    content = client.get(path).content.decode()
    content = content.replace("&quot;", '"').replace('\\"', '"')  # the item HTML, escaped in XML or JSON
    assert 'class="attribution" lang="en"' in content
    if path == "/stories/atom.xml":
        assert '&lt;p lang="en"&gt;2 outlets, 2 articles' in content
