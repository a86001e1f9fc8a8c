"""Article and story pages carry OpenGraph: the thing's title and address, and the image the page shows (our stored
copy, as an absolute URL), so that a link preview — and an extractor, our own `newsdesk extract` among them — finds
it; a page that shows no image names none."""

import re

import pytest
from django.conf import settings

from newsdesk.articles.presentation import visible_image_url
from newsdesk.reader.extract import ExtractOptions, extract_article
from tests.factories import make_article, make_publisher
from tests.stories.rows import make_story

pytestmark = pytest.mark.django_db

IMAGE_KEY = "b" * 32


def og(html: str, name: str) -> list[str]:
    return re.findall(rf'<meta property="og:{name}" content="([^"]*)">', html)


def test_an_article_page_with_an_image_names_it_and_our_extractor_reads_it(client):
    article = make_article(make_publisher(name="Harbour Times"), title="Tide tables change", image_key=IMAGE_KEY)
    image = settings.SITE_URL + visible_image_url(article)

    html = client.get(article.get_absolute_url()).content.decode()
    extracted = extract_article(
        html, url=settings.SITE_URL + article.get_absolute_url(), options=ExtractOptions(allow_loopback=True)
    )

    assert IMAGE_KEY in image
    assert og(html, "image") == [image]
    assert og(html, "title") == ["Tide tables change"]
    assert og(html, "url") == [settings.SITE_URL + article.get_absolute_url()]
    assert og(html, "type") == ["article"]
    assert extracted.image_url == image


def test_a_page_that_shows_no_image_names_none(client):
    plain = make_article(make_publisher(), title="No picture", image_key="")
    headline_only = make_article(make_publisher(policy="headline"), title="Teaser only", image_key=IMAGE_KEY)

    for article in (plain, headline_only):
        html = client.get(article.get_absolute_url()).content.decode()
        assert og(html, "image") == []
        assert og(html, "title") == [article.title]


def test_a_story_page_names_its_lead_image(client):
    lead = make_article(make_publisher(), title="Bridge reopens", image_key=IMAGE_KEY)
    story = make_story([lead])

    html = client.get(story.get_absolute_url()).content.decode()

    assert og(html, "image") == [settings.SITE_URL + visible_image_url(lead)]
    assert og(html, "url") == [settings.SITE_URL + story.get_absolute_url()]
