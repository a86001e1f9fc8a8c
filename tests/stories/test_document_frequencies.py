"""The document frequencies of story assignment (stories.frequencies): every assigned article counted once in the
database, so articles assigned one turn at a time cluster as one clusterer over the whole stream clusters them (the
bench's), and a rebuild or a table never counted ends with the counts of the articles in stories."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import timedelta

import pytest

from newsdesk.articles.models import Article
from newsdesk.reader.cluster import StoryClusterer, clustering_features, document_names
from newsdesk.stories.frequencies import ALL_ARTICLES
from newsdesk.stories.models import DocumentFrequency, StoryMembership
from newsdesk.stories.rebuild import stories_rebuild
from newsdesk.stories.services import CLUSTER_OPTIONS, story_assign
from newsdesk_world import generate_world
from tests.stories.test_story_services import store_world

pytestmark = pytest.mark.django_db

# The demo world's first articles by publication time, in the order below: one turn per article with the loaded
# stories' own document frequencies (before stories.frequencies) made other stories of them than one clusterer.
ARTICLES = 40


@pytest.fixture(scope="module")
def world():
    return generate_world(seed=7)


def _stored(world) -> dict[int, object]:
    """The first ARTICLES of the world stored, keyed by id."""
    first = sorted(world.articles, key=lambda item: item.published)[:ARTICLES]
    return store_world(replace(world, articles=tuple(first)))


def _partition(story_of: dict[int, object]) -> set[frozenset[int]]:
    groups: dict[object, set[int]] = {}
    for pk, story in story_of.items():
        groups.setdefault(story, set()).add(pk)
    return {frozenset(members) for members in groups.values()}


def _expected_counts(articles) -> Counter:
    counts: Counter = Counter()
    for article in articles:
        features = clustering_features(
            CLUSTER_OPTIONS, title=article.title, text=article.body_text, url=article.canonical_url
        )
        counts.update(document_names(features))
    counts[ALL_ARTICLES] = len(articles)
    return counts


def _stored_counts() -> Counter:
    return Counter(dict(DocumentFrequency.objects.values_list("name", "documents")))


def test_articles_assigned_one_turn_each_make_the_stories_of_one_clusterer_over_the_stream(
    world, django_capture_on_commit_callbacks
):
    stored = _stored(world)
    ids = list(stored)
    random.Random(3).shuffle(ids)  # out of order: the turns' loaded stories are a few fragments of the events
    articles = Article.objects.in_bulk(ids)

    for pk in ids:
        # Each turn committed: the next one starts from the counts this thread cached (stories.frequencies).
        with django_capture_on_commit_callbacks(execute=True):
            story_assign(article=articles[pk])

    clusterer = StoryClusterer(CLUSTER_OPTIONS)
    streamed = {}
    for pk in ids:
        article = articles[pk]
        streamed[pk] = clusterer.assign(
            title=article.title,
            text=article.body_text,
            language=article.language,
            at=article.published_at,
            url=article.canonical_url,
        ).story
    turns = dict(StoryMembership.objects.values_list("article_id", "story_id"))
    assert _partition(turns) == _partition({pk: clusterer.resolve(key) for pk, key in streamed.items()})
    assert _stored_counts() == _expected_counts(articles.values())


def test_a_rebuild_whole_or_since_a_time_ends_with_every_article_counted_once(world):
    stored = _stored(world)
    articles = list(Article.objects.filter(pk__in=stored))
    for article in sorted(articles, key=lambda a: (a.published_at, a.pk)):
        story_assign(article=article)
    expected = _expected_counts(articles)
    assert _stored_counts() == expected

    stories_rebuild()
    assert _stored_counts() == expected
    middle = sorted(a.published_at for a in articles)[len(articles) // 2]
    stories_rebuild(since=middle - timedelta(minutes=1))
    assert _stored_counts() == expected


def test_the_first_assignment_after_the_counts_were_lost_counts_every_article_in_stories(world):
    stored = _stored(world)
    first, *rest = sorted(Article.objects.filter(pk__in=stored), key=lambda a: (a.published_at, a.pk))
    for article in rest:
        story_assign(article=article)
    DocumentFrequency.objects.all().delete()  # as after the migration that added the table, stories already made

    story_assign(article=first)

    assert _stored_counts() == _expected_counts([first, *rest])
