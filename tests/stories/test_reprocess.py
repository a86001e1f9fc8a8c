"""`newsdesk reprocess [--since DATE]`: stories and wire groups rebuilt from stored articles; bad dates are one-line
parser errors."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from newsdesk.stories.models import ArticleSignature, Story, StoryMembership, SyndicationGroup
from tests.factories import make_article, make_publisher

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
