"""The home page's content (cards, paging links, sections) is one fragment keyed by every card's and item's key
(newsdesk.site.cards.home_content_html): an unchanged home page renders nothing, a change anywhere on it renders it
again from the cards' and items' own fragments, and a page missing a piece is never kept."""

from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.common import fragments
from newsdesk.site import cards
from newsdesk.site.views.home import STORIES_PER_PAGE
from newsdesk.stories.models import Story
from newsdesk.stories.selectors import story_card_keys
from tests.factories import make_article, make_category, make_publisher
from tests.stories.rows import make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    publisher = make_publisher(name="Home Post", policy="full")
    category = make_category(name="Docks")
    now = timezone.now()
    articles = [
        make_article(publisher, title=f"Dock item {n}", category=category, published_at=now - timedelta(minutes=n))
        for n in range(STORIES_PER_PAGE)
    ]
    return publisher, category, [make_story([article]) for article in articles]


def _fresh(client, settings) -> bytes:
    settings.FRAGMENT_CACHE_ENABLED = False
    try:
        return client.get("/").content
    finally:
        settings.FRAGMENT_CACHE_ENABLED = True


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """The names of the home page's templates rendered from now on (content, cards and items)."""
    names: list[str] = []
    original = cards.get_template

    def spy(name):
        names.append(name)
        return original(name)

    monkeypatch.setattr(cards, "get_template", spy)
    return names


def test_an_unchanged_home_page_renders_no_piece_and_a_second_process_takes_it_whole(home, client, rendered):
    first = client.get("/").content
    assert cards.HOME_CONTENT in rendered
    rendered.clear()
    assert client.get("/").content == first
    assert rendered == []
    fragments.LOCAL.clear()  # another process: the content comes from the shared cache
    assert client.get("/").content == first
    assert rendered == []


def test_a_new_story_on_the_page_renders_the_content_and_its_own_card_and_paging_moves(home, client, settings):
    publisher, category, _ = home
    first = client.get("/").content.decode()
    assert 'rel="next"' not in first  # 20 stories: one page
    make_story([make_article(publisher, title="Dock fire", category=category, published_at=timezone.now())])
    page = client.get("/").content
    assert "Dock fire" in page.decode()
    assert 'rel="next"' in page.decode()  # 21 stories: a second page
    assert page == _fresh(client, settings)


def test_a_renamed_section_shows_in_its_heading(home, client, settings):
    _, category, _ = home
    client.get("/")
    category.name = "Harbour docks"
    category.save()
    page = client.get("/").content
    assert '">Harbour docks</a></h2>' in page.decode()
    assert page == _fresh(client, settings)


def test_a_content_missing_a_story_deleted_between_its_key_and_its_row_is_shown_but_not_kept(home, rf):
    _, _, stories = home
    keys = story_card_keys([story.pk for story in stories[:2]])
    Story.objects.filter(pk=stories[0].pk).delete()
    page = Paginator(list(range(2)), STORIES_PER_PAGE).page(1)
    fragments.LOCAL.clear()
    html = cards.home_content_html(page=page, card_keys=keys, sections=[], language="")
    assert stories[1].headline in html
    assert stories[0].headline not in html
    assert len(fragments.LOCAL) == 1  # the surviving card alone: no content kept under an identity naming both
    assert Article.objects.filter(pk=stories[0].lead_article_id).exists()
