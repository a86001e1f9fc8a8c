"""RSS and Atom items carry our copy of the lead image as an enclosure, as the JSON Feed's `image` already did: feed
readers showed no picture for any RSS or Atom item. Never for an article whose publisher allows no image."""

import feedparser
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from tests.factories import make_article, make_publisher
from tests.stories.rows import make_story

pytestmark = pytest.mark.django_db

IMAGE_BYTES = b"RIFF" + b"\0" * 1230  # only the length is read


@pytest.fixture
def pictured():
    """An article with a stored lead image, one whose image file is gone, and a headline-only one with an image."""
    full = make_publisher(name="Picture Post", policy="full")
    shown = make_article(full, title="Harbour at dawn", image_url="https://picture.example/dawn.jpg")
    storages["images"].save(f"{shown.image_key}-lead.webp", ContentFile(IMAGE_BYTES))
    lost = make_article(full, title="Harbour at dusk", image_url="https://picture.example/dusk.jpg")
    headline = make_publisher(name="Headline Post", policy="headline")
    hidden = make_article(headline, title="Harbour at noon", image_url="https://picture.example/noon.jpg")
    yield {"shown": shown, "lost": lost, "hidden": hidden}
    storages["images"].delete(f"{shown.image_key}-lead.webp")


def enclosures(client, path: str) -> dict[str, list[tuple[str, str, str]]]:
    """Each item's title and its enclosures (url, length, type) as feedparser reads them."""
    parsed = feedparser.parse(client.get(path).content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return {
        entry.title: [(e.get("href"), str(e.get("length")), e.get("type")) for e in entry.get("enclosures", [])]
        for entry in parsed.entries
    }


@pytest.mark.parametrize("path", ["/feeds/rss.xml", "/feeds/atom.xml"])
def test_article_feed_items_carry_the_lead_image_as_an_enclosure(client, pictured, settings, path):
    found = enclosures(client, path)
    shown = f"{settings.SITE_URL}/images/{pictured['shown'].image_key}-lead.webp"
    assert found["Harbour at dawn"] == [(shown, str(len(IMAGE_BYTES)), "image/webp")]
    lost = f"{settings.SITE_URL}/images/{pictured['lost'].image_key}-lead.webp"
    assert found["Harbour at dusk"] == [(lost, "0", "image/webp")]  # its size unknown: 0, as RSS asks
    assert found["Harbour at noon"] == []


@pytest.mark.parametrize("path", ["/stories/rss.xml", "/stories/atom.xml"])
def test_story_feed_items_carry_the_storys_image_as_an_enclosure(client, pictured, settings, path):
    make_story([pictured["shown"]])
    make_story([pictured["hidden"]])
    found = enclosures(client, path)
    shown = f"{settings.SITE_URL}/images/{pictured['shown'].image_key}-lead.webp"
    assert found["Harbour at dawn"] == [(shown, str(len(IMAGE_BYTES)), "image/webp")]
    assert found["Harbour at noon"] == []
