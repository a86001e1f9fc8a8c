"""story_top ranks from a few columns of each story and loads only the stories asked for."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.stories.selectors import story_rank_key, story_top, story_top_after
from tests.factories import make_article, make_publisher
from tests.stories.rows import make_story

pytestmark = pytest.mark.django_db


def test_the_ranking_loads_only_the_stories_asked_for_best_first():
    now = timezone.now()
    outlets = [make_publisher(name=f"Outlet {n}", policy="full") for n in range(3)]
    wide = make_story([make_article(p, published_at=now - timedelta(hours=1)) for p in outlets])
    fresh = make_story([make_article(outlets[0], published_at=now)])
    stale = make_story([make_article(outlets[1], published_at=now - timedelta(days=3))])

    with CaptureQueriesContext(connection) as ranking:
        ranked = story_top(now=now)
    assert len(ranking) == 1
    assert len(ranked) == 3
    with CaptureQueriesContext(connection) as loading:
        top, second = ranked[0], ranked[1]
        rest = ranked[1:]
    assert len(loading) == 3  # one per index or slice, whatever its length
    assert [top.pk, second.pk] == [wide.pk, fresh.pk]
    assert [story.pk for story in rest] == [fresh.pk, stale.pk]
    with pytest.raises(IndexError):
        ranked[3]
    after = story_top_after(key=story_rank_key(top, now=now), now=now)
    assert [story.pk for story in after[:]] == [fresh.pk, stale.pk]
