"""Cards of list pages are rendered once for what they show (newsdesk/common/fragments.py, newsdesk/site/cards.py):
a new article renders one card, not the whole list, and every change a card shows re-renders it at once."""

from datetime import timedelta

import pytest
from django.core.cache import cache

from newsdesk.articles.models import Article
from newsdesk.articles.reindex import search_reindex_due
from newsdesk.articles.services import publisher_policy_set
from newsdesk.common import fragments
from newsdesk.stories.models import Story
from tests.factories import make_article, make_category, make_publisher
from tests.stories.rows import make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The keys of every card fragment rendered (stored) from now on (not the page's navigation or comments)."""
    stored: list[str] = []
    original = cache.set_many
    cards = tuple(
        fragments.FRAGMENT_KEY_PREFIX + kind for kind in ("article-item:", "article-key-item:", "story-card:")
    )

    def spy(values, *args, **kwargs):
        stored.extend(key for key in values if key.startswith(cards))
        return original(values, *args, **kwargs)

    monkeypatch.setattr(cache, "set_many", spy)
    return stored


@pytest.fixture
def section():
    category = make_category(name="Harbour")
    times = make_publisher(name="Harbour Times", policy="full")
    post = make_publisher(name="Bay Post", policy="full")
    for n in range(10):
        make_article(
            times if n % 2 else post, title=f"Harbour item {n}", category=category, body_text=f"Tide {n} rose."
        )
    return category, times, post


def test_a_new_article_renders_its_own_item_and_no_other(section, client, renders):
    category, times, _ = section
    url = f"/category/{category.slug}/"
    client.get(url)
    assert len(renders) == 10
    renders.clear()
    make_article(times, title="Harbour lighthouse relit", category=category)
    page = client.get(url).content.decode()
    assert "Harbour lighthouse relit" in page
    assert len(renders) == 1


def test_a_second_process_takes_the_cards_from_the_shared_cache(section, client, renders):
    category, _, _ = section
    first = client.get(f"/category/{category.slug}/").content
    renders.clear()
    fragments.LOCAL.clear()  # another process: nothing in its memory
    assert client.get(f"/category/{category.slug}/").content == first
    assert renders == []


def test_a_policy_change_renders_that_publishers_items_again_and_shows_at_once(section, client, renders):
    _, times, _ = section
    url = "/search/?q=harbour"
    assert client.get(url).content.decode().count("Tide ") == 10
    renders.clear()
    publisher_policy_set(publisher=times, display_policy="headline")
    search_reindex_due()  # the worker's job; until it ran, search left Harbour Times out
    page = client.get(url).content.decode()
    assert page.count("Tide ") == 5  # Harbour Times' teasers are gone, Bay Post's stay
    assert len(renders) == 5


def test_an_edited_article_a_new_image_and_new_robots_signals_show_on_its_item(section, client):
    category, times, _ = section
    url = f"/category/{category.slug}/"
    article = Article.objects.filter(publisher=times).first()
    client.get(url)
    article.title = "Harbour item, corrected"
    article.save()
    assert "Harbour item, corrected" in client.get(url).content.decode()
    Article.objects.filter(pk=article.pk).update(image_key="")  # the image proxy writes the key alone
    assert client.get(url).content.decode().count('class="item-image"') == 9
    Article.objects.filter(pk=article.pk).update(robots_directives="noimageindex")
    assert client.get(url).content.decode().count('class="item-image"') == 9
    Article.objects.filter(pk=article.pk).update(image_key="f" * 32, robots_directives="")
    assert client.get(url).content.decode().count('class="item-image"') == 10


def test_a_story_card_follows_its_story_and_its_lead_article(client, renders):
    publisher = make_publisher(name="Harbour Times", policy="full")
    lead = make_article(publisher, title="Harbour reopens", summary="Ships are back at dawn.")
    later = make_article(publisher, title="Harbour crowds", published_at=lead.published_at + timedelta(hours=1))
    story = make_story([lead, later])
    for n in range(5):
        make_story([make_article(publisher, title=f"Other story {n}")])
    assert "Ships are back at dawn." in client.get("/").content.decode()
    renders.clear()
    lead.summary = "Ships are back, and the ferry too."
    lead.save()
    assert "Ships are back, and the ferry too." in client.get("/").content.decode()
    assert sum(key.startswith(fragments.FRAGMENT_KEY_PREFIX + "story-card:") for key in renders) == 1
    story.headline = "Harbour reopens to ships and ferries"
    story.save()
    assert "Harbour reopens to ships and ferries" in client.get("/").content.decode()
    Story.objects.filter(pk=story.pk).update(lead_article=None)
    assert "Ships are back" not in client.get("/").content.decode().split("story-cards")[1].split("</ol>")[0]


def test_without_the_fragment_cache_every_card_is_rendered_and_nothing_stored(section, client, renders, settings):
    settings.FRAGMENT_CACHE_ENABLED = False
    category, _, _ = section
    cached_off = client.get(f"/category/{category.slug}/").content
    assert renders == []
    settings.FRAGMENT_CACHE_ENABLED = True
    assert client.get(f"/category/{category.slug}/").content == cached_off


def test_a_fragment_key_changes_with_any_part():
    assert fragments.fragment_key("card", (1, "a")) == fragments.fragment_key("card", (1, "a"))
    assert fragments.fragment_key("card", (1, "a")) != fragments.fragment_key("card", (1, "b"))
    assert fragments.fragment_key("card", (1, "a")) != fragments.fragment_key("item", (1, "a"))
