"""An image's text fits the language it is read in. We cannot tell what an image shows: cards, list items and lead
images carry alt="" (WCAG's decorative images: they illustrate the headline beside them). A story's lead image is
credited by its caption, in the page's English, and when it comes from another report than the headline's, the
caption quotes that report's headline marked with its own lang. Before, a German card's alt read "Image from Diario
La Brújula for “La huelga…”": an English frame around a Spanish headline, inside lang="de"."""

import pytest
from lxml import html as lxml_html

from tests.factories import make_article, make_publisher
from tests.site.test_site_words_language import language_of
from tests.stories.rows import make_story

pytestmark = pytest.mark.django_db

SPANISH_HEADLINE = "La huelga en la ópera sigue"


@pytest.fixture
def german_story_with_a_spanish_image():
    rundschau = make_publisher(name="Rundschau", language="de", policy="full")
    brujula = make_publisher(name="Diario La Brújula", language="es", policy="full")
    german = make_article(rundschau, title="Streik an der Oper geht weiter", language="de", image_url="")
    spanish = make_article(brujula, title=SPANISH_HEADLINE, language="es")
    story = make_story(
        [german, spanish], headline=german.title, lead_article=german, image_article=spanish, language="de"
    )
    return story, german


def test_a_cards_image_beside_its_headline_has_an_empty_alt_not_another_reports_headline(
    client, german_story_with_a_spanish_image
):
    page = lxml_html.fromstring(client.get("/").content)
    (card,) = page.find_class("story-card")
    (image,) = card.findall(".//img")

    assert language_of(card.find(".//h2")) == "de"
    assert image.get("alt") == ""
    assert SPANISH_HEADLINE not in lxml_html.tostring(card, encoding="unicode")


def test_a_story_pages_caption_quotes_the_images_report_in_its_own_language(client, german_story_with_a_spanish_image):
    story, _ = german_story_with_a_spanish_image
    page = lxml_html.fromstring(client.get(story.get_absolute_url()).content)
    (figure,) = page.find_class("lead-image")
    caption = figure.find("figcaption")
    (quoted,) = caption.findall("cite")

    assert figure.find("img").get("alt") == ""
    assert caption.text_content() == f"Image: Diario La Brújula, for “{SPANISH_HEADLINE}”"
    assert language_of(caption) == "en"
    assert (quoted.text_content(), language_of(quoted)) == (SPANISH_HEADLINE, "es")


def test_a_caption_does_not_repeat_the_headline_the_image_belongs_to(client):
    publisher = make_publisher(name="Harbour Times", policy="full")
    story = make_story([make_article(publisher, title="Harbour reopens")])
    page = lxml_html.fromstring(client.get(story.get_absolute_url()).content)

    (caption,) = page.xpath("//figure[@class='lead-image']/figcaption")
    assert caption.text_content() == "Image: Harbour Times"


def test_every_image_on_the_story_article_and_list_pages_has_an_alt(client, german_story_with_a_spanish_image):
    story, _ = german_story_with_a_spanish_image
    spanish = story.image_article
    paths = ["/", story.get_absolute_url(), spanish.get_absolute_url(), spanish.publisher.get_absolute_url()]
    for path in paths:
        images = lxml_html.fromstring(client.get(path).content).findall(".//img")
        assert images, path
        assert [image.get("src") for image in images if image.get("alt") is None] == [], path
