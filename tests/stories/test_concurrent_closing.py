"""Two workers closing stories at the same moment refine each story once: the second waits for the story turn (a
row lock on PostgreSQL, the IMMEDIATE transaction on SQLite), then finds the story closed and nothing left due."""

import contextlib
import threading
import time

import pytest
from django.db import connection

from newsdesk.stories.closing import stories_close
from newsdesk.stories.models import Story, StoryAssignmentTurn, StoryMembership
from tests.stories.test_story_closing import pirate_reports

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_workers_closing_at_once_move_a_wrong_member_once(monkeypatch):
    monkeypatch.setattr("newsdesk.common.database._SQLITE_WRITES", contextlib.nullcontext())
    mysore, _, sukanya, stray, quiet = pirate_reports()
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
                closed.append(stories_close(now=quiet))
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
    assert sorted(closed) == [(0, 0), (1, 1)]  # (stories closed, articles moved)
    assert StoryMembership.objects.get(article=stray).story_id == sukanya.pk
    sizes = {story.pk: (story.size, story.state["size"]) for story in Story.objects.all()}
    assert sizes == {mysore.pk: (3, 3), sukanya.pk: (3, 3)}
