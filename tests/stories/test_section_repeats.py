"""The home page's sections leave out wire copies whose primary is shown, read with the sections' keys (one query),
after the sections are ordered."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.articles.selectors import ARTICLE_KEY_FIELDS, article_sections
from newsdesk.stories.selectors import REPEAT_FLAG
from tests.factories import make_article, make_category, make_publisher
from tests.stories.rows import make_group

pytestmark = pytest.mark.django_db


def test_repeats_are_left_out_and_the_sections_keep_their_order(client):
    now = timezone.now()
    wire, local = make_category(name="Wire"), make_category(name="Local")
    publisher = make_publisher(name="Section Post", policy="full")
    primary = make_article(publisher, title="Primary", category=wire, published_at=now - timedelta(hours=2))
    copy = make_article(publisher, title="Copy newest", category=wire, published_at=now)
    only_copy = make_article(publisher, title="Only copy", category=local, published_at=now - timedelta(minutes=1))
    make_group(primary, [copy, only_copy])
    alone = make_article(publisher, title="Alone", category=local, published_at=now - timedelta(hours=3))

    with CaptureQueriesContext(connection) as queries:
        sections = article_sections(hidden=REPEAT_FLAG)
    assert len(queries) == 2  # the categories, then the sections' keys with the flag
    # "Wire" stays first: its newest article (a copy, left out) still orders the sections.
    assert [(s.category, [a.id for a in s.articles]) for s in sections] == [(wire, [primary.pk]), (local, [alone.pk])]
    assert all(key._fields == ARTICLE_KEY_FIELDS for s in sections for key in s.articles)
    assert [[a.id for a in s.articles] for s in article_sections()] == [[copy.pk, primary.pk], [only_copy.pk, alone.pk]]

    page = client.get("/").content.decode()
    assert "Primary" in page
    assert "Alone" in page
    assert "Copy newest" not in page
    assert "Only copy" not in page
