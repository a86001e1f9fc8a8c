"""The stored document frequencies stay those of the articles in stories now (stories.frequencies): an article edited
in place and assigned again counts with its new text only, and a removed one (a takedown, an operator's deletion,
its publisher deleted) no longer counts, in the transaction that removes it. After a mixed stream of additions,
edits and removals the live counts equal a recount, with nothing written by the comparison."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from newsdesk.articles.models import Article
from newsdesk.stories import frequencies
from newsdesk.stories.frequencies import ALL_ARTICLES, frequencies_counted
from newsdesk.stories.models import DocumentFrequency, StoryMembership
from newsdesk.stories.services import CLUSTER_OPTIONS, articles_stories_revise, articles_stories_update
from newsdesk_world import generate_world
from newsdesk_world.revisions import rewritten_for_event
from tests.stories.test_story_services import store_world

pytestmark = pytest.mark.django_db

ARTICLES = 48


@pytest.fixture(scope="module")
def world():
    return generate_world(seed=11)


def live_counts() -> Counter:
    """The stored counts, rows at 0 left out (a name no article in a story has any more)."""
    return Counter({name: n for name, n in DocumentFrequency.objects.values_list("name", "documents") if n})


def recounted() -> Counter:
    counts, changed = frequencies_counted(CLUSTER_OPTIONS, None)
    assert changed == {}, "every membership keeps the names its article counts for now"
    return +counts


def _assigned(world, count: int) -> list[Article]:
    """The world's first `count` articles stored and assigned in one turn, by id."""
    stored = store_world(replace(world, articles=tuple(world.articles[:count])))
    articles = list(Article.objects.filter(pk__in=stored).order_by("pk"))
    articles_stories_update(articles=articles)
    return articles


def _edit(world, stored: dict[int, object], article: Article) -> None:
    """The article's publisher rewrote it in place for another event (as ingest updates the row), then ingest's
    path for updated articles runs."""
    item = stored[article.pk]
    other = next(event for event in world.events if event.id != item.event)
    headline, paragraphs = rewritten_for_event(world, item, other.id)
    Article.objects.filter(pk=article.pk).update(title=headline, body_text="\n\n".join(paragraphs))
    articles_stories_revise(articles=[Article.objects.get(pk=article.pk)])


def test_after_additions_edits_and_removals_the_live_counts_equal_a_recount(world, django_capture_on_commit_callbacks):
    first = sorted(world.articles, key=lambda item: item.published)[:ARTICLES]
    stored = store_world(replace(world, articles=tuple(first)))
    articles = sorted(Article.objects.filter(pk__in=stored), key=lambda a: (a.published_at, a.pk))
    early, late = articles[: ARTICLES // 2], articles[ARTICLES // 2 :]
    with django_capture_on_commit_callbacks(execute=True):
        articles_stories_update(articles=early[:8])  # one turn of several
        for article in early[8:]:
            articles_stories_update(articles=[article])
    assert live_counts() == recounted()
    before_edits = live_counts()

    _edit(world, stored, early[3])
    _edit(world, stored, early[10])
    assert live_counts() == recounted()
    assert live_counts() != before_edits  # the new texts count, the old ones not

    with django_capture_on_commit_callbacks(execute=True):
        early[5].delete()  # an operator deletes one article
        with transaction.atomic():  # a takedown deletes several rows at once
            Article.objects.filter(pk__in=[early[0].pk, early[7].pk]).delete()
        early[12].publisher.delete()  # a publisher and everything it published
    gone = {early[0].pk, early[5].pk, early[7].pk} | {
        a.pk for a in articles if a.publisher_id == early[12].publisher_id
    }
    assert not StoryMembership.objects.filter(article_id__in=gone).exists()
    assert live_counts() == recounted()
    assert live_counts()[ALL_ARTICLES] == StoryMembership.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        for article in late:
            if article.pk not in gone:
                articles_stories_update(articles=[article])
    _edit(world, stored, late[2] if late[2].pk not in gone else late[3])
    assert live_counts() == recounted()


def test_a_removal_takes_back_the_names_counted_even_when_the_text_changed_since(
    world, django_capture_on_commit_callbacks
):
    articles = _assigned(world, 6)
    counted = live_counts()
    target = articles[2]
    names = StoryMembership.objects.get(article=target).counted_names
    assert names
    # An operator's edit in the admin changes the text, not the story: the names counted are the old text's.
    Article.objects.filter(pk=target.pk).update(title="Quite another headline", body_text="Unrelated words here.")

    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.get(pk=target.pk).delete()

    expected = counted - Counter({ALL_ARTICLES: 1, **dict.fromkeys(names, 1)})
    assert live_counts() == expected
    assert live_counts() == recounted()


def test_a_membership_counted_before_names_were_kept_is_taken_back_with_its_text_s_names(
    world, django_capture_on_commit_callbacks
):
    articles = _assigned(world, 6)
    StoryMembership.objects.filter(article=articles[1]).update(counted_names=None)

    with django_capture_on_commit_callbacks(execute=True):
        articles[1].delete()

    assert live_counts() == recounted()


def test_the_first_turn_after_the_upgrade_recounts_and_keeps_every_membership_s_names(world):
    stored = store_world(replace(world, articles=tuple(world.articles[:10])))
    articles = sorted(Article.objects.filter(pk__in=stored), key=lambda a: (a.published_at, a.pk))
    articles_stories_update(articles=articles[:-1])
    # As migration stories/0008 leaves a counted table: names not kept yet, the row of all articles gone.
    StoryMembership.objects.update(counted_names=None)
    DocumentFrequency.objects.filter(name=ALL_ARTICLES).delete()

    articles_stories_update(articles=articles[-1:])

    assert not StoryMembership.objects.filter(counted_names__isnull=True).exists()
    assert live_counts() == recounted()


def test_one_deletion_of_many_articles_takes_their_names_back_together(world, django_capture_on_commit_callbacks):
    # Two statements per article would update the row of all articles once per article in one transaction, which
    # PostgreSQL makes slower with every update (a publisher's thousands of articles deleted at once).
    articles = _assigned(world, 24)
    removed = [a.pk for a in articles[::2]]

    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        Article.objects.filter(pk__in=removed).delete()

    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE stories_documentfrequency")]
    # The row of all articles once for the twelve, then one statement per amount a name is taken back by.
    assert f"documents - {len(removed)} ELSE 0" in writes[0]
    assert len(writes) < len(removed)
    assert live_counts() == recounted()


def test_a_row_at_0_is_deleted_by_the_writer_a_set_number_of_versions_later(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(frequencies, "ZERO_ROWS_KEPT_VERSIONS", 2)
    articles = _assigned(world, 6)
    with django_capture_on_commit_callbacks(execute=True):
        articles[2].delete()
    fallen = dict(DocumentFrequency.objects.filter(documents=0).values_list("name", "changed"))
    assert fallen  # names of that article alone
    (version,) = set(fallen.values())

    kept = []
    for _ in range(3):  # the writers after it: the third takes version + 3
        kept.append(DocumentFrequency.objects.filter(name__in=fallen).count())
        frequencies.frequencies_increment(Counter({ALL_ARTICLES: 0}))

    assert kept == [len(fallen)] * 3
    assert DocumentFrequency.objects.get(name=ALL_ARTICLES).changed == version + 3
    assert not DocumentFrequency.objects.filter(name__in=fallen).exists()
    assert live_counts() == recounted()


def test_the_recount_deletes_rows_at_0_older_than_the_versions_kept(world, monkeypatch):
    monkeypatch.setattr(frequencies, "ZERO_ROWS_KEPT_VERSIONS", 2)
    _assigned(world, 6)
    for _ in range(8):
        frequencies.frequencies_increment(Counter({ALL_ARTICLES: 0}))
    top = DocumentFrequency.objects.get(name=ALL_ARTICLES).changed
    # A row at 0 from before rows at 0 were deleted (at a version no writer deletes at any more), and one that fell
    # to 0 at the last version.
    DocumentFrequency.objects.bulk_create(
        [
            DocumentFrequency(name="stalename", documents=0, changed=top - 6),
            DocumentFrequency(name="recentname", documents=0, changed=top),
        ]
    )

    frequencies.frequencies_recount(CLUSTER_OPTIONS, None)  # at top + 1: rows at 0 before top - 1 go

    assert not DocumentFrequency.objects.filter(name="stalename").exists()
    assert DocumentFrequency.objects.filter(name="recentname").exists()
    assert live_counts() == recounted()
