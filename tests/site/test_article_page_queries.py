"""The article page reads the article with its story membership and wire group in one query (article_page_get):
what the page shows of its story and of the other outlets' copies is the same as reading each separately."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsdesk.stories.models import Story
from newsdesk.stories.selectors import article_page_get, article_syndication
from tests.factories import make_article, make_publisher
from tests.stories.rows import make_group, make_story

pytestmark = pytest.mark.django_db


def _page(client, article) -> tuple[str, list[str]]:
    client.get(f"/article/{article.pk}/")  # the comments' content type is looked up once per process
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/article/{article.pk}/")
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in captured.captured_queries]


def test_an_article_in_a_story_and_a_wire_group_shows_both_from_one_read_of_the_article(client):
    wire, local = make_publisher(name="Wire Daily"), make_publisher(name="Local Echo")
    primary = make_article(wire, title="Harbour strike ends", wire_credit="AFP")
    copy = make_article(local, title="Harbour strike ends")
    make_group(primary, [copy])
    story = make_story([primary, copy])
    page, queries = _page(client, copy)
    assert f'href="/stories/{story.pk}/"' in page
    assert "Primary source: <a" in page
    assert "Wire Daily" in page
    # the article with its membership, story, signature and group; the group's copies; the navigation; the comments
    # (their number is the count a visitor sees)
    assert len(queries) == 4, queries
    assert "stories_storymembership" in queries[0]
    assert "stories_syndicationgroup" in queries[0]
    assert '"stories_story"."state"' not in queries[0]  # the clustering state is not read


def test_an_article_alone_and_one_whose_story_emptied_show_no_story(client):
    alone = make_article(make_publisher(), title="Quiet harbour")
    page, queries = _page(client, alone)
    assert "Full coverage" not in page
    assert len(queries) == 3, queries
    article = make_article(make_publisher(), title="Gone story")
    story = make_story([article])
    Story.objects.filter(pk=story.pk).update(size=0)
    assert article_syndication(article_page_get(article_id=article.pk)).story is None


@pytest.mark.parametrize("article_id", [0, -1, 2**63])
def test_an_id_no_column_can_hold_finds_nothing(article_id):
    assert article_page_get(article_id=article_id) is None
