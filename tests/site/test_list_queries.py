"""Every list surface answers in a fixed number of database queries, however many items it shows, whether its cards
come from the fragment cache or are rendered from scratch: no query, policy lookup or URL reversing per item."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsdesk.articles.models import Article, Category
from newsdesk.sources.models import Publisher
from newsdesk.stories.models import Story, StoryMembership
from tests.factories import make_article, make_category, make_publisher
from tests.stories.rows import make_group, make_story

pytestmark = pytest.mark.django_db


@dataclass
class Desk:
    category: Category
    publisher: Publisher
    story: Story


def _grow(desk: Desk | None, articles: int) -> Desk:
    """Add `articles` articles in two publishers (full text and excerpt) to one category, a wire group among
    them, a story of some and a story each for the others."""
    category = desk.category if desk else make_category(name="Harbour")
    full = desk.publisher if desk else make_publisher(name="Harbour Times", policy="full")
    excerpt = make_publisher(name=f"Bay Post {Publisher.objects.count()}", policy="excerpt")
    made = [
        make_article(full if n % 2 else excerpt, title=f"Harbour news {n}", category=category) for n in range(articles)
    ]
    make_group(made[0], made[1:3])
    if desk is None:
        story, alone = make_story(made[:3]), made[3:]
    else:  # the story page's lists grow too
        story, alone = desk.story, made[10:]
        StoryMembership.objects.bulk_create([StoryMembership(article=a, story=story) for a in made[:10]])
        Story.objects.filter(pk=story.pk).update(size=story.size + 10)
    for article in alone:
        make_story([article])
    return Desk(category, full, story)


SEARCH_QUERIES = 4 if connection.vendor == "sqlite" else 6
SURFACES: dict[str, tuple[Callable[[Desk], str], int, int]] = {
    # name: (URL, queries with every card cached, queries with every card rendered from scratch). Feeds, the API
    # list and the category and publisher pages read their articles' keys first and load whole rows only for the
    # items no cache holds: one more query.
    "home": (lambda d: "/", 4, 6),
    "home in one language": (lambda d: "/?lang=en", 3, 4),
    "category": (lambda d: f"/category/{d.category.slug}/", 4, 5),
    "publisher": (lambda d: f"/publisher/{d.publisher.slug}/", 4, 5),
    # results, their keys (rows only for items no cache holds), the categories (the navigation's, which the filter
    # control reuses), the publishers; on PostgreSQL the results are three statements (the id range, a window of
    # ids, the ranking: articles.search)
    "search": (lambda d: "/search/?q=harbour", SEARCH_QUERIES, SEARCH_QUERIES + 1),
    "story page": (lambda d: f"/stories/{d.story.pk}/", 4, 6),
    "rss": (lambda d: "/feeds/rss.xml", 1, 2),
    "atom": (lambda d: "/feeds/atom.xml", 1, 2),
    "json feed": (lambda d: "/feeds/feed.json", 1, 2),
    "category rss": (lambda d: f"/category/{d.category.slug}/rss.xml", 2, 3),
    "publisher json feed": (lambda d: f"/publisher/{d.publisher.slug}/feed.json", 2, 3),
    "stories rss": (lambda d: "/stories/rss.xml", 2, 2),
    "stories json feed": (lambda d: "/stories/feed.json", 2, 2),
    "api articles": (lambda d: "/api/articles?limit=100", 1, 2),
    "api stories": (lambda d: "/api/stories?limit=100", 2, 2),
}


def _queries(client, url: str) -> tuple[list[str], int]:
    """The queries answering `url` and the size of the answer."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in captured.captured_queries], len(response.content)


@pytest.mark.parametrize("fragments", [True, False], ids=["cached cards", "cards from scratch"])
@pytest.mark.parametrize("surface", SURFACES)
def test_a_list_surface_runs_the_same_few_queries_for_4_items_and_for_40(surface, fragments, client, settings):
    settings.FRAGMENT_CACHE_ENABLED = fragments
    url_of, cached, from_scratch = SURFACES[surface]
    desk = _grow(None, 4)
    client.get(url_of(desk))  # warms what caches there are
    small, small_size = _queries(client, url_of(desk))
    desk = _grow(desk, 36)
    client.get(url_of(desk))
    big, big_size = _queries(client, url_of(desk))
    assert Article.objects.count() == 40
    assert big_size > small_size + 1000, "the list did not grow"
    expected = cached if fragments else from_scratch
    assert len(small) == len(big) == expected, (surface, small, big)
