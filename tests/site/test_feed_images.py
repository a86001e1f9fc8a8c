"""RSS and Atom items carry our copy of the lead image as an enclosure, as the JSON Feed's `image` already did: feed
readers showed no picture for any RSS or Atom item. Never for an article whose publisher allows no image. Its length
is the size stored beside the image's key (Article.image_bytes, written by the image proxy; migration 0016 filled it
in for images stored before): a feed asks the image storage nothing."""

import importlib
from types import SimpleNamespace

import feedparser
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from newsdesk.articles.models import Article
from tests.factories import make_article, make_publisher
from tests.stories.rows import make_story

pytestmark = pytest.mark.django_db

IMAGE_BYTES = b"RIFF" + b"\0" * 1230  # only the length is read


@pytest.fixture
def pictured():
    """An article with a stored lead image of known size, one whose size is not known, and a headline-only one with
    an image. No file is behind them: the feeds read the size from the article."""
    full = make_publisher(name="Picture Post", policy="full")
    shown = make_article(
        full, title="Harbour at dawn", image_url="https://picture.example/dawn.jpg", image_bytes=len(IMAGE_BYTES)
    )
    lost = make_article(full, title="Harbour at dusk", image_url="https://picture.example/dusk.jpg")
    headline = make_publisher(name="Headline Post", policy="headline")
    hidden = make_article(headline, title="Harbour at noon", image_url="https://picture.example/noon.jpg")
    return {"shown": shown, "lost": lost, "hidden": hidden}


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


MIGRATION = importlib.import_module("newsdesk.articles.migrations.0016_article_image_bytes")


class SizeCountingStorage(FileSystemStorage):
    """The file system storage, noting every file it is asked the size of."""

    asked: list[str] = []

    def size(self, name: str) -> int:
        self.asked.append(name)
        return super().size(name)


@pytest.fixture
def counted_images(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "images": {
            "BACKEND": f"{__name__}.SizeCountingStorage",
            "OPTIONS": {"location": tmp_path / "images", "base_url": "/images/"},
        },
    }
    SizeCountingStorage.asked = []
    return storages["images"]


def test_the_migration_fills_in_each_stored_images_size_reading_the_storage_once(counted_images):
    publisher = make_publisher(name="Archive Post", policy="full")
    older = make_article(publisher, title="Stored before the field")
    same_image = make_article(publisher, title="Same picture", image_key=older.image_key)
    gone = make_article(publisher, title="File gone")
    none = make_article(publisher, title="No image", image_url="")
    counted_images.save(f"{older.image_key}-lead.webp", ContentFile(IMAGE_BYTES))
    counted_images.save(f"{older.image_key}-card.webp", ContentFile(b"RIFF"))
    apps = MigrationLoader(connection).project_state(("articles", "0016_article_image_bytes")).apps

    MIGRATION.stored_image_sizes(apps, SimpleNamespace(connection=connection))

    sizes = dict(Article.objects.values_list("title", "image_bytes"))
    assert [sizes[a.title] for a in (older, same_image, gone, none)] == [len(IMAGE_BYTES), len(IMAGE_BYTES), 0, 0]
    assert sorted(SizeCountingStorage.asked) == sorted(f"{a.image_key}-lead.webp" for a in (older, gone))


@pytest.mark.parametrize("path", ["/feeds/rss.xml", "/feeds/atom.xml", "/stories/rss.xml", "/stories/atom.xml"])
def test_a_feed_asks_the_image_storage_nothing(client, pictured, counted_images, path):
    make_story([pictured["shown"]])
    counted_images.save(f"{pictured['shown'].image_key}-lead.webp", ContentFile(IMAGE_BYTES))

    found = enclosures(client, path)

    assert [length for _, length, _ in found["Harbour at dawn"]] == [str(len(IMAGE_BYTES))]
    assert SizeCountingStorage.asked == []
