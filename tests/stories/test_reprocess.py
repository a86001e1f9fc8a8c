"""`newsdesk reprocess [--since DATE | --counts-only]`: stories and wire groups rebuilt from stored articles, or the
stored stories recounted in place; bad dates are one-line parser errors."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from newsdesk.sources.models import Publisher
from newsdesk.stories.management.commands import reprocess as reprocess_command
from newsdesk.stories.models import ArticleSignature, Story, StoryMembership, SyndicationGroup
from newsdesk.stories.rebuild import PROGRESS_STEP, stories_rebuild
from tests.factories import make_article, make_publisher
from tests.stories.rows import make_group, make_story

pytestmark = pytest.mark.django_db

WIRE = (
    "The city council of Northbridge approved a new harbour budget on Monday after a long debate. Mayor Jane Alder "
    "said the plan would repair the old bridge and add two ferry lines by next spring. Opposition members said the "
    "cost had been underestimated and asked for an independent audit. The vote passed by 31 to 18."
)


def wire_copies():
    now = timezone.now()
    first = make_article(
        make_publisher(name="Courier"),
        title="Northbridge approves harbour budget",
        body_text=WIRE + "\nWith AFP",
        wire_credit="AFP",
        published_at=now - timedelta(hours=3),
    )
    second = make_article(
        make_publisher(name="Herald"),
        title="Northbridge backs harbour budget",
        body_text="NORTHBRIDGE (AFP) - " + WIRE,
        wire_credit="AFP",
        published_at=now - timedelta(hours=2),
    )
    return first, second


def test_reprocess_builds_one_group_and_one_story_from_stored_articles():
    first, second = wire_copies()
    out = io.StringIO()

    call_command("reprocess", "--no-progress", stdout=out)

    assert out.getvalue().strip() == "reprocessed 2 articles"
    group = SyndicationGroup.objects.get()
    assert group.primary_id == first.pk
    assert group.size == 2
    assert ArticleSignature.objects.get(article=second).is_repeat
    story = Story.objects.get()
    assert story.size == 2
    assert story.report_count == 1
    assert story.outlet_count == 2
    assert story.lead_article_id == first.pk
    assert set(StoryMembership.objects.values_list("article_id", flat=True)) == {first.pk, second.pk}


def test_reprocess_twice_gives_the_same_result_and_since_limits_the_articles():
    wire_copies()
    call_command("reprocess", "--no-progress", stdout=io.StringIO())
    out = io.StringIO()

    call_command("reprocess", "--no-progress", "--since", "2999-01-01", stdout=out)
    assert out.getvalue().strip() == "reprocessed 0 articles"
    call_command("reprocess", "--since", (timezone.now() - timedelta(days=1)).date().isoformat(), stdout=io.StringIO())

    assert Story.objects.count() == 1
    assert Story.objects.get().size == 2
    assert SyndicationGroup.objects.count() == 1


@pytest.mark.parametrize("since", ["yesterday", "0001-01-01T00:00+14:00"])  # the second: before year 1 in UTC
def test_reprocess_rejects_a_date_that_is_not_iso(since):
    with pytest.raises(CommandError, match=f"not an ISO 8601 date or time: '{re.escape(since)}'"):
        call_command("reprocess", "--since", since)


def test_reprocess_identifies_language_again_from_the_stored_text():
    first, _second = wire_copies()
    type(first).objects.filter(pk=first.pk).update(language="de-AT")

    call_command("reprocess", "--no-progress", stdout=io.StringIO())

    first.refresh_from_db()
    assert first.language == "en"
    assert first.search_stems  # the stems follow the language they were made in


def test_counts_only_recounts_stories_counted_by_older_code_in_place():
    # Counted before blocked publishers' members and stand-in copies were counted as they are now: a blocked
    # publisher's article leads, among the outlets; nothing recounts such a story until it changes.
    now = timezone.now()
    blocked = make_publisher(name="Gone", policy=Publisher.DisplayPolicy.BLOCKED)
    old_lead = make_article(blocked, title="Blocked lead", published_at=now - timedelta(hours=4))
    agency = make_article(
        make_publisher(name="Agency", is_active=False), title="Wire", published_at=now - timedelta(hours=3)
    )
    copy = make_article(make_publisher(name="Herald"), title="Wire copy", published_at=now - timedelta(hours=2))
    own = make_article(make_publisher(name="Post"), title="Own report", published_at=now - timedelta(hours=1))
    make_group(agency, [copy])
    stale = make_story([old_lead, agency, copy, own], is_closed=True)
    other = make_story([make_article(make_publisher(name="Solo"), title="Solo", published_at=now)])
    members = set(StoryMembership.objects.values_list("story_id", "article_id"))
    out = io.StringIO()

    call_command("reprocess", "--counts-only", "--no-progress", stdout=out)

    assert out.getvalue().strip() == "recounted 2 stories"
    stale.refresh_from_db()
    assert (stale.lead_article_id, stale.headline, stale.is_closed) == (copy.pk, "Wire copy", True)
    assert (stale.size, stale.shown_size, stale.outlet_count, stale.report_count) == (4, 2, 2, 2)
    assert Story.objects.get(pk=other.pk).lead_article_id == other.lead_article_id
    assert set(StoryMembership.objects.values_list("story_id", "article_id")) == members  # ids and members kept


def test_counts_only_takes_no_since():
    with pytest.raises(CommandError, match="argument --since: not allowed with argument --counts-only"):
        call_command("reprocess", "--counts-only", "--since", "2026-12-01")


def test_rebuild_reports_progress_from_zero_and_within_a_batch():
    publisher = make_publisher(name="Gazette")
    now = timezone.now()
    for index in range(120):
        make_article(
            publisher,
            title=f"Harbour report number {index}",
            body_text=f"Report {index} on the harbour of town {index}.",
            published_at=now - timedelta(minutes=index),
        )
    seen = []

    count = stories_rebuild(progress=lambda done, total: seen.append((done, total)), batch=500)

    assert count == 120
    assert seen[0] == (0, 120)
    assert seen[-1] == (120, 120)
    assert (PROGRESS_STEP, 120) in seen
    assert len({done for done, _ in seen}) > 2
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


class _Interrupted(Exception):
    """Stands for the operator's Ctrl-C (or a killed process) once the rebuild's first transaction committed."""


def test_an_interrupted_rebuild_since_a_day_leaves_no_article_without_a_story_once_run_again():
    first, second = wire_copies()
    call_command("reprocess", "--no-progress", stdout=io.StringIO())
    # The earlier copy falls before --since; the story it shares with the later one is dropped all the same.
    since = second.published_at - timedelta(minutes=30)

    def interrupt(done: int, total: int) -> None:
        raise _Interrupted

    with pytest.raises(_Interrupted):
        stories_rebuild(since=since, progress=interrupt)
    assert not StoryMembership.objects.exists()  # what the interruption left: both articles in no story

    stories_rebuild(since=since)

    assert set(StoryMembership.objects.values_list("article_id", flat=True)) == {first.pk, second.pk}
    assert Story.objects.get().size == 2


def test_ctrl_c_during_a_rebuild_says_how_far_it_got_and_that_running_it_again_finishes(monkeypatch, capsys):
    publisher = make_publisher(name="Gazette")
    now = timezone.now()
    for index in range(PROGRESS_STEP + 10):
        make_article(publisher, title=f"Harbour report {index}", published_at=now - timedelta(minutes=index))
    real_rebuild = reprocess_command.stories_rebuild

    def rebuild_then_ctrl_c(*, since, progress):
        def report_then_interrupt(done: int, total: int) -> None:
            progress(done, total)
            if done:
                raise KeyboardInterrupt  # what the terminal's Ctrl-C raises in the middle of the rebuild

        return real_rebuild(since=since, progress=report_then_interrupt)

    monkeypatch.setattr(reprocess_command, "stories_rebuild", rebuild_then_ctrl_c)

    with pytest.raises(SystemExit) as stopped:
        call_command("reprocess", "--no-progress", stdout=io.StringIO())

    assert stopped.value.code == reprocess_command.INTERRUPTED_EXIT_CODE
    said = capsys.readouterr().err.strip()
    assert said == reprocess_command.INTERRUPTED.format(done=PROGRESS_STEP, total=PROGRESS_STEP + 10)
    assert StoryMembership.objects.count() < PROGRESS_STEP + 10
