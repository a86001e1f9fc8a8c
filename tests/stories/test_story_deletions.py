"""A deleted article (a takedown deletes the row) leaves its story and wire group recomputed from what is left:
no story shows a removed headline, and the remaining copies of a wire text get a primary again."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from newsdesk.stories.models import ArticleSignature, Story, SyndicationGroup
from tests.stories.test_reprocess import wire_copies

pytestmark = pytest.mark.django_db


def grouped_copies():
    first, second = wire_copies()
    call_command("reprocess", "--no-progress", stdout=io.StringIO())
    return first, second


def test_deleting_a_story_lead_recomputes_the_story_and_the_group(django_capture_on_commit_callbacks):
    first, second = grouped_copies()
    story = Story.objects.get()
    assert story.lead_article_id == first.pk
    assert ArticleSignature.objects.get(article=second).is_repeat

    with django_capture_on_commit_callbacks(execute=True):
        first.delete()

    story.refresh_from_db()
    assert story.lead_article_id == second.pk
    assert story.headline == second.title
    assert story.size == 1
    group = SyndicationGroup.objects.get()
    assert group.primary_id == second.pk
    assert not ArticleSignature.objects.get(article=second).is_repeat, "the last copy would stay hidden"


def test_a_story_whose_articles_are_all_deleted_is_gone(django_capture_on_commit_callbacks):
    first, second = grouped_copies()

    with django_capture_on_commit_callbacks(execute=True):
        type(first).objects.filter(pk__in=[first.pk, second.pk]).delete()

    assert not Story.objects.exists()
    assert not SyndicationGroup.objects.exists()


def test_a_takedown_in_a_closed_story_keeps_it_closed(django_capture_on_commit_callbacks):
    # A deletion recounted the story as if it had gained a report: a quiet story read "developing" again.
    first, second = grouped_copies()
    story = Story.objects.get()
    Story.objects.filter(pk=story.pk).update(is_closed=True)

    with django_capture_on_commit_callbacks(execute=True):
        first.delete()

    story.refresh_from_db()
    assert (story.size, story.lead_article_id, story.is_closed) == (1, second.pk, True)
