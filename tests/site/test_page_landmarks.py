"""The public pages' structure as assistive technology reads it: one main landmark, landmarks of one role told apart
by their names, ids used once, one h1, and no image without an alt (alt="" where it illustrates the headline beside
it: we cannot tell what an image shows)."""

from collections import Counter

import pytest
from lxml import html as lxml_html

from tests.factories import make_article, make_category, make_publisher
from tests.stories.rows import make_story

pytestmark = pytest.mark.django_db

# The roles a screen reader lists as landmarks, from the element or its role attribute.
LANDMARK_ROLES = {
    "nav": "navigation",
    "main": "main",
    "header": "banner",
    "footer": "contentinfo",
    "aside": "complementary",
}


def landmarks(page) -> list[tuple[str, str]]:
    """(role, accessible name) of every landmark of `page` (a header or footer inside an article is none)."""
    found = []
    for element in page.iter():
        if not isinstance(element.tag, str):
            continue
        role = element.get("role") or LANDMARK_ROLES.get(element.tag, "")
        if element.tag in ("header", "footer") and any(
            a.tag in ("article", "section") for a in element.iterancestors()
        ):
            continue
        if role in {"navigation", "main", "banner", "contentinfo", "complementary", "search"}:
            found.append((role, element.get("aria-label") or element.get("aria-labelledby") or ""))
    return found


@pytest.fixture
def site_pages(client):
    category = make_category(name="World")
    publisher = make_publisher(name="Landmark Post", policy="full")
    articles = [make_article(publisher, title=f"Summit day {n}", category=category) for n in range(2)]
    story = make_story(articles)
    paths = ["/", "/search/", "/search/?q=summit", f"/stories/{story.pk}/", f"/article/{articles[0].pk}/"]
    paths += [category.get_absolute_url(), publisher.get_absolute_url(), "/rights/takedown", "/accounts/login/"]
    return {path: client.get(path) for path in paths}


def test_every_page_names_its_landmarks_apart_and_uses_each_id_once(site_pages):
    for path, response in site_pages.items():
        assert response.status_code == 200, path
        page = lxml_html.fromstring(response.content)
        found = landmarks(page)
        assert [role for role, _ in found].count("main") == 1, path
        repeated = [landmark for landmark, n in Counter(found).items() if n > 1]
        assert repeated == [], f"{path}: landmarks of one role with the same name {repeated}"
        ids = Counter(
            element.get("id") for element in page.iter() if isinstance(element.tag, str) and element.get("id")
        )
        assert [name for name, n in ids.items() if n > 1] == [], path
        assert len(page.findall(".//h1")) == 1, path
        assert [img.get("src") for img in page.iter("img") if img.get("alt") is None] == [], path


def test_card_and_item_images_reserve_their_16_by_9_room_before_they_load(client):
    # Card renditions are cropped to 16:9 (reader.images.CARD_SIZE); without a size a lazy card image loaded after
    # the text and pushed every card below it down.
    publisher = make_publisher(name="Picture Post", policy="full")
    articles = [make_article(publisher, title=f"Harbour {n}", image_url=f"https://p.example/{n}.jpg") for n in range(2)]
    make_story(articles)
    page = lxml_html.fromstring(client.get("/").content)
    images = page.xpath("//li[contains(@class, 'story-card') or contains(@class, 'item')]//img")
    assert {"story-image", "item-image"} <= {img.get("class") for img in images}
    assert [img.get("src") for img in images if int(img.get("width")) * 9 != int(img.get("height")) * 16] == []
