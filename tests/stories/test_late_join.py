"""The next day's full-text report joins its story through the stories services after the story closed: assignment
loads the stories of ClusterOptions.join_window (the late period), and the story opens again; a headline alone
opens its own (tests/reader/cluster/test_late_join.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.stories.closing import stories_close_quiet
from newsdesk.stories.services import CLUSTER_OPTIONS, story_assign
from tests.factories import make_article, make_publisher
from tests.reader.cluster.test_clustering import FLOOD_DE, FLOOD_EN, FLOOD_FR

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def closed_flood_story():
    start = timezone.now() - timedelta(days=3)
    story = None
    for n, ((title, text), language) in enumerate(((FLOOD_EN, "en"), (FLOOD_FR, "fr"))):
        article = make_article(
            make_publisher(name=f"Paper {n}"),
            title=title,
            body_text=text,
            summary="",
            language=language,
            published_at=start + timedelta(hours=2 * n),
        )
        story = story_assign(article=article)
    assert CLUSTER_OPTIONS.quiet_period < timedelta(hours=20) < CLUSTER_OPTIONS.late_period
    assert stories_close_quiet(now=start + timedelta(hours=16)) == 1
    story.refresh_from_db()
    assert story.is_closed
    return story, start + timedelta(hours=22)


@pytest.mark.parametrize("text", [FLOOD_DE[1], ""], ids=["full text", "headline alone"])
def test_a_full_text_report_the_next_day_joins_its_closed_story_and_a_headline_alone_does_not(text):
    story, next_day = closed_flood_story()
    report = make_article(
        make_publisher(name="Zeitung"),
        title=FLOOD_DE[0],
        body_text=text,
        summary="",
        language="de",
        published_at=next_day,
    )

    joined = story_assign(article=report)

    story.refresh_from_db()
    if text:
        assert joined.pk == story.pk
        assert (story.size, story.is_closed, story.last_seen) == (3, False, next_day)
        assert story.state["languages"] == {"en": 1, "fr": 1, "de": 1}
    else:
        assert joined.pk != story.pk
        assert (story.size, story.is_closed) == (2, True)
