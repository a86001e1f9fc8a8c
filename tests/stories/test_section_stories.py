"""The home page's sections show each story once: its newest report stands for it, and the section fills up with
the newest reports of other stories (one busy story used to fill a whole section with its headlines)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.articles.selectors import ARTICLE_KEY_FIELDS, article_sections
from newsdesk.stories.selectors import REPEAT_FLAG, STORY_OF
from tests.factories import make_article, make_category, make_publisher
from tests.stories.rows import make_group, make_story

pytestmark = pytest.mark.django_db


def test_a_section_keeps_one_report_a_story_and_fills_with_other_stories():
    now = timezone.now()
    world = make_category(name="World")
    publishers = [make_publisher(name=f"Outlet {n}", policy="full") for n in range(4)]
    summit = [
        make_article(publisher, title=f"Summit report {n}", category=world, published_at=now - timedelta(minutes=n))
        for n, publisher in enumerate(publishers)
    ]
    make_story(summit)
    flood = [
        make_article(
            publishers[0], title=f"Flood report {n}", category=world, published_at=now - timedelta(hours=n + 1)
        )
        for n in range(2)
    ]
    make_story(flood)
    loose = make_article(publishers[1], title="Loose", category=world, published_at=now - timedelta(hours=5))
    older = make_article(publishers[2], title="Older", category=world, published_at=now - timedelta(hours=6))

    with CaptureQueriesContext(connection) as queries:
        (section,) = article_sections(per_section=3, one_per=STORY_OF)
    assert len(queries) == 2  # the categories, then the sections' keys with the story of each
    assert [a.id for a in section.articles] == [summit[0].pk, flood[0].pk, loose.pk]
    assert all(key._fields == ARTICLE_KEY_FIELDS for key in section.articles)
    # Without `one_per` the section is the newest three, all of one story.
    (plain,) = article_sections(per_section=3)
    assert [a.id for a in plain.articles] == [a.pk for a in summit[:3]]
    assert older.pk not in [a.id for a in section.articles]


def test_a_stories_hidden_wire_copy_gives_way_to_its_next_report():
    now = timezone.now()
    world = make_category(name="World")
    first, second = make_publisher(name="First", policy="full"), make_publisher(name="Second", policy="full")
    primary = make_article(first, title="Primary", category=world, published_at=now - timedelta(hours=1))
    copy = make_article(second, title="Copy", category=world, published_at=now)
    other = make_article(second, title="Other report", category=world, published_at=now - timedelta(hours=2))
    make_group(primary, [copy])
    make_story([primary, copy, other])

    (section,) = article_sections(hidden=REPEAT_FLAG, one_per=STORY_OF)
    assert [a.id for a in section.articles] == [primary.pk]


def test_the_home_page_shows_a_busy_storys_headline_once_in_its_section(client):
    now = timezone.now()
    world = make_category(name="World")
    publishers = [make_publisher(name=f"Outlet {n}", policy="full") for n in range(3)]
    same = [
        make_article(
            publisher, title="Envoys meet as the summit stalls", category=world, published_at=now - timedelta(minutes=n)
        )
        for n, publisher in enumerate(publishers)
    ]
    make_story(same)
    page = client.get("/").content.decode()
    section = page[page.index('<section class="section"') :]
    assert section.count(">Envoys meet as the summit stalls</a>") == 1
