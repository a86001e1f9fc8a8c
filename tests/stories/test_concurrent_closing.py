"""Two workers closing stories at the same moment refine (and split) each story once: the second waits for the story
turn (a row lock on PostgreSQL, the IMMEDIATE transaction on SQLite), then finds the story closed and nothing left
due."""

import contextlib
import threading
import time

import pytest
from django.db import connection

from newsdesk.stories.closing import stories_close
from newsdesk.stories.models import Story, StoryAssignmentTurn, StoryMembership
from newsdesk.stories.services import CLUSTER_OPTIONS
from tests.reader.cluster.test_refine import MYSORE
from tests.reader.cluster.test_regroup import MYSORE_MORE, QUAKE
from tests.stories.test_story_closing import REFINE_ONLY, pirate_reports
from tests.stories.test_story_regrouping import ON, stored_stories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def close_at_once(quiet, options=CLUSTER_OPTIONS) -> list[tuple]:
    """What two workers closing stories at `quiet` at the same moment each closed, in the order they finished."""
    StoryAssignmentTurn.objects.get_or_create(id=1)  # as after the first assignment: only the row lock serialises

    def slow_reads(execute, sql, params, many, context):
        answer = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith("SELECT") and '"stories_story"' in sql:
            time.sleep(0.2)  # the workers overlap inside their transactions
        return answer

    def work() -> None:
        try:
            barrier.wait(timeout=30)
            with connection.execute_wrapper(slow_reads):
                closed.append(stories_close(now=quiet, options=options))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    barrier = threading.Barrier(2)
    closed: list[tuple] = []
    errors: list[Exception] = []
    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert errors == []
    return closed


def test_two_workers_closing_at_once_move_a_wrong_member_once(monkeypatch):
    monkeypatch.setattr("newsdesk.common.database._SQLITE_WRITES", contextlib.nullcontext())
    mysore, _, sukanya, stray, quiet = pirate_reports()

    closed = close_at_once(quiet, REFINE_ONLY)

    assert sorted(closed) == [(0, 0), (1, 1)]  # (stories closed, articles moved)
    assert StoryMembership.objects.get(article=stray).story_id == sukanya.pk
    sizes = {story.pk: (story.size, story.state["size"]) for story in Story.objects.all()}
    assert sizes == {mysore.pk: (3, 3), sukanya.pk: (3, 3)}


def test_two_workers_closing_a_story_of_two_events_at_once_split_it_once(monkeypatch):
    monkeypatch.setattr("newsdesk.common.database._SQLITE_WRITES", contextlib.nullcontext())
    made, articles, quiet = stored_stories({"mixed": [*MYSORE, *QUAKE, MYSORE_MORE]})

    closed = close_at_once(quiet, ON)

    assert sorted(closed) == [(0, 0), (2, 3)]  # the story and its part closed, three reports moved; then nothing due
    sizes = sorted((story.size, story.state["size"], story.is_closed) for story in Story.objects.all())
    assert sizes == [(3, 3, True), (4, 4, True)]
    assert StoryMembership.objects.filter(story=made["mixed"]).count() == 4
    assert StoryMembership.objects.count() == len(articles["mixed"])
