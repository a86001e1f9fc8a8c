"""A takedown rebuilds the clustering state of the story its article leaves from the members left (issue 11 §4):
the removed text's terms no longer steer which articles join the story while it is open."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.reader.cluster import StoryClusterer
from newsdesk.stories.member_states import members_state, story_members
from newsdesk.stories.models import Story, StoryMembership
from newsdesk.stories.services import CLUSTER_OPTIONS, stories_assign
from tests.factories import make_article, make_publisher
from tests.rights.removal import operator_takedown
from tests.stories.rows import make_story

pytestmark = pytest.mark.django_db(transaction=True)

HARBOUR = (
    "A storm closed the Northbridge harbour on Monday. The harbour master said the ferries would stay in port "
    "until the wind dropped, and the old bridge over the harbour was shut to traffic."
)
VOLCANO = (
    "Mount Karvolt erupted overnight and lava flows reached the edge of Tessaloor. Volcanologists at the Karvolt "
    "observatory said the eruption could last weeks; Tessaloor villagers were evacuated by the army."
)


def _article(name: str, title: str, body: str, hours: float):
    return make_article(
        make_publisher(name=name), title=title, body_text=body, published_at=timezone.now() - timedelta(hours=hours)
    )


def _state(story: Story) -> dict:
    story.refresh_from_db()
    return story.state if isinstance(story.state, dict) else json.loads(story.state)


def test_a_takedown_rebuilds_the_story_state_from_the_members_left():
    first = _article("Courier", "Storm shuts Northbridge harbour", HARBOUR, 5)
    second = _article("Herald", "Northbridge harbour closed by storm", HARBOUR + " Ferries wait.", 4)
    removed = _article("Wire Post", "Karvolt eruption: Tessaloor evacuated", VOLCANO, 3)
    story = make_story([first, second, removed])
    # The state assignment stored while the three were members (built the same way, from their stored text).
    state = members_state(story_members(story.pk, CLUSTER_OPTIONS, None), CLUSTER_OPTIONS)
    Story.objects.filter(pk=story.pk).update(state=state.to_json())
    assert "karvol" in _state(story)["terms"]  # terms are stems cut at six letters
    later = _article("Gazette", "Karvolt lava reaches Tessaloor", VOLCANO + " Roads are closed.", 1)
    # With the removed text in its state, the story would take the next volcano report.
    clusterer = StoryClusterer(CLUSTER_OPTIONS)
    clusterer.load(story.pk, state)
    joined = clusterer.assign(
        title=later.title, text=later.body_text, language=later.language, at=later.published_at, new_key="new"
    )
    assert joined.story == story.pk

    assert operator_takedown(removed.canonical_url) == 1

    stored = _state(story)
    assert stored["size"] == 2
    words = " ".join([*stored["terms"], *stored["entities"]]).lower()
    assert "harbou" in words
    for distinctive in ("karvol", "tessal", "volcan", "erupt", "lava"):
        assert distinctive not in words, distinctive
    stories_assign(articles=[later])
    taken = StoryMembership.objects.get(article=later).story_id
    assert taken != story.pk  # the volcano report opens its own story now
    assert set(StoryMembership.objects.filter(story=story).values_list("article_id", flat=True)) == {
        first.pk,
        second.pk,
    }


def test_a_story_that_loses_a_member_is_written_once_its_window_the_members_left(django_capture_on_commit_callbacks):
    first = _article("Courier", "Storm shuts Northbridge harbour", HARBOUR, 5)
    second = _article("Herald", "Northbridge harbour closed by storm", HARBOUR + " Ferries wait.", 4)
    removed = _article("Wire Post", "Northbridge harbour: ferries wait", HARBOUR, 1)
    story = make_story([first, second, removed])

    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        removed.delete()

    writes = [
        q["sql"]
        for q in queries
        if q["sql"].startswith('UPDATE "stories_story" SET') and q["sql"].endswith(f'."id" = {story.pk}')
    ]
    assert len(writes) == 1, writes  # the counts and the rebuilt state in one statement (not the deletion's SET NULLs)
    story.refresh_from_db()
    stored = _state(story)
    assert stored["size"] == 2
    assert (story.first_seen, story.last_seen) == (first.published_at, second.published_at)
    assert (stored["first_seen"], stored["last_seen"]) == (
        first.published_at.isoformat(),
        second.published_at.isoformat(),
    )
