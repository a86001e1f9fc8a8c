"""The home page's sections: each category's newest visible articles (one index walk per section, one query)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.articles.selectors import article_sections
from tests.factories import make_article, make_category, make_publisher

pytestmark = pytest.mark.django_db


def test_each_section_holds_its_newest_visible_articles_newest_section_first_and_loose_ones_last():
    now = timezone.now()
    busy, quiet, empty = make_category(name="Busy"), make_category(name="Quiet"), make_category(name="Empty")
    shown = make_publisher(name="Shown", policy="full")
    blocked = make_publisher(name="Blocked", policy="blocked")
    inactive = make_publisher(name="Inactive", policy="full", is_active=False)
    busy_items = [
        make_article(shown, title=f"Busy {n}", category=busy, published_at=now - timedelta(minutes=n)) for n in range(9)
    ]
    undated = make_article(shown, title="Busy undated", category=busy, published_at=None)
    old = make_article(shown, title="Quiet old", category=quiet, published_at=now - timedelta(days=3))
    new = make_article(shown, title="Quiet new", category=quiet, published_at=now + timedelta(minutes=1))
    make_article(blocked, title="Blocked newest", category=busy, published_at=now + timedelta(hours=1))
    make_article(inactive, title="Inactive newest", category=quiet, published_at=now + timedelta(hours=1))
    loose = make_article(shown, title="Loose", published_at=now - timedelta(days=1))

    with CaptureQueriesContext(connection) as queries:
        sections = article_sections(per_section=6)

    assert len(queries) == 2  # the categories, then every section's articles
    assert [(s.category, [a.id for a in s.articles]) for s in sections] == [
        (quiet, [new.pk, old.pk]),
        (busy, [a.pk for a in busy_items[:6]]),
        (None, [loose.pk]),
    ]
    assert empty not in [s.category for s in sections]
    assert undated.pk not in [a.id for s in sections for a in s.articles]


def test_undated_articles_fill_a_section_after_the_dated_ones():
    category = make_category(name="Sparse")
    publisher = make_publisher(name="Shown", policy="full")
    dated = make_article(publisher, title="Dated", category=category)
    first_undated = make_article(publisher, title="Undated 1", category=category, published_at=None)
    second_undated = make_article(publisher, title="Undated 2", category=category, published_at=None)
    (section,) = article_sections(per_section=3)
    assert [a.id for a in section.articles] == [dated.pk, second_undated.pk, first_undated.pk]
