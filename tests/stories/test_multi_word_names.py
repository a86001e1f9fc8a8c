"""A story's multi-word names are stored with its state, and the next assignment turn (a fresh clusterer reading the
stored state) parts two organisations' reports by them as the bench's one clusterer does (ClusterOptions.
phrase_conflicts; tests/reader/cluster/test_phrase_conflicts.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.stories.services import CLUSTER_OPTIONS, story_assign
from tests.factories import make_article, make_publisher
from tests.reader.cluster.test_phrase_conflicts import OTHER_EVENT, TEASER

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.mark.parametrize("phrase_conflicts", [True, False])
def test_a_stored_storys_multi_word_names_keep_another_organisations_report_out(phrase_conflicts):
    options = replace(CLUSTER_OPTIONS, phrase_conflicts=phrase_conflicts)
    now = timezone.now()
    teaser = make_article(
        make_publisher(name="Herald"), title=TEASER[0], body_text=TEASER[1], published_at=now - timedelta(hours=2)
    )
    story = story_assign(article=teaser, options=options)
    story.refresh_from_db()
    assert story.state["phrases"] == {"goldenmouth reform alliance": 1.0}

    other = make_article(
        make_publisher(name="Post"),
        title=OTHER_EVENT[0],
        body_text=OTHER_EVENT[1],
        published_at=now - timedelta(hours=1),
    )
    # Without the rule "Reform" and "Alliance" take the other event's report into the teaser's story.
    assert (story_assign(article=other, options=options).pk == story.pk) is not phrase_conflicts
