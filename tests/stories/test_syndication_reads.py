"""What the article page and the article API read of a wire text's other copies: the few columns they show."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_article, make_publisher
from tests.stories.rows import make_group, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def wire_text():
    now = timezone.now()
    body = "A long wire body no list of outlets shows. " * 50
    articles = [
        make_article(
            make_publisher(name=f"Outlet {n}"),
            title=f"Port strike ends {n}",
            wire_credit="AFP",
            body_text=f"{body}{n}",
            body_html=f"<p>{body}{n}</p>",
            published_at=now - timedelta(hours=5 - n),
        )
        for n in range(4)
    ]
    make_group(articles[0], articles[1:])
    make_story(articles)
    return articles


def test_the_article_api_lists_other_outlets_without_loading_their_bodies(client, wire_text):
    primary, *copies = wire_text
    with CaptureQueriesContext(connection) as queries:
        found = client.get(f"/api/articles/{copies[0].pk}").json()

    assert found["primary_source_url"] == "http://testserver" + primary.get_absolute_url()
    assert found["also_carried_by"] == ["http://testserver" + c.get_absolute_url() for c in copies[1:]]
    # The reads of the group's copies: those that select by group (the article's own read joins its group).
    copy_reads = [q["sql"] for q in queries.captured_queries if "group_id" in q["sql"].partition(" WHERE ")[2]]
    assert copy_reads, [q["sql"] for q in queries.captured_queries]
    for sql in copy_reads:
        for column in ("body_text", "body_html", "search_stems"):
            assert column not in sql, sql


def test_the_article_page_still_names_the_primary_and_every_other_outlet(client, wire_text):
    primary, *copies = wire_text
    html = client.get(copies[0].get_absolute_url()).content.decode()

    assert f'Primary source: <a href="{primary.get_absolute_url()}">Outlet 0</a> (with AFP).' in html
    assert f'<a href="{copies[1].get_absolute_url()}">Outlet 2</a>' in html
    assert f'<a href="{copies[2].get_absolute_url()}">Outlet 3</a>' in html
