"""On a 360 px phone screen no page is wider than the screen: a German compound in a story card's headline
("Satelliteninternets") pushed the home page 3 px wide, so the whole page scrolled sideways. A card's image keeps
its 16:9 shape at every width."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from PIL import Image

from tests.factories import make_article, make_category, make_publisher
from tests.stories.rows import make_story

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LONG_TITLE = "Was bisher über Ausbau des Satelliteninternetsversorgungsnetzes in Südgail bekannt ist"


def card_image(name: str) -> None:
    """A stored 480x270 card rendition under `name` (as newsdesk.media stores one)."""
    data = io.BytesIO()
    Image.new("RGB", (480, 270), (40, 90, 160)).save(data, "WEBP")
    storages["images"].save(name, ContentFile(data.getvalue()))


def test_home_story_and_article_pages_fit_a_360_px_screen(live_server, browser):
    publisher = make_publisher(name="Seeländer Tagespost", language="de")
    article = make_article(
        publisher,
        title=LONG_TITLE,
        language="de",
        category=make_category("Technik"),
        image_url="https://p.example/a.jpg",
    )
    card_image(f"{article.image_key}-card.webp")
    card_image(f"{article.image_key}-lead.webp")
    story = make_story([article])
    page = browser.new_page(viewport={"width": 360, "height": 740})
    widths = {}
    for path in ("/", story.get_absolute_url(), article.get_absolute_url()):
        page.goto(live_server.url + path)
        assert LONG_TITLE in page.content()
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
        if path == "/":
            page.locator(".story-image").scroll_into_view_if_needed()
            page.wait_for_function("document.querySelector('.story-image').complete")
            box = page.locator(".story-image").bounding_box()
    page.close()
    for kind in ("card", "lead"):
        storages["images"].delete(f"{article.image_key}-{kind}.webp")
    assert widths == dict.fromkeys(widths, 360)
    assert abs(box["width"] * 9 - box["height"] * 16) < 16  # 16:9 within a pixel
