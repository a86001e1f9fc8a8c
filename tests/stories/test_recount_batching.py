"""Many stories recounted at once (a publisher's change, `reprocess --counts-only`) read their members in one query
and write in one bulk update, and count exactly as one story at a time does."""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.sources.models import Publisher
from newsdesk.stories.counts import COUNTED_FIELDS, stories_counts_refresh
from newsdesk.stories.models import ArticleSignature, Story, SyndicationGroup
from newsdesk.stories.services import publisher_stories_recount
from newsdesk.stories.syndication_services import syndication_group_refresh
from tests.factories import make_article, make_publisher
from tests.stories.rows import make_story
from tests.stories.test_wire_scale import random_member_add, reference_counts

pytestmark = pytest.mark.django_db


def _random_stories(seed: int, count: int) -> list[Story]:
    """`count` stories whose members share publishers (some hidden) and wire groups across stories, so a group's
    primary is often in another story or hidden: each story's reports depend on its own members alone."""
    rng = random.Random(seed)
    base = timezone.now().replace(microsecond=0) - timedelta(days=2)
    publishers = [make_publisher(policy=rng.choice(Publisher.DisplayPolicy.values)) for _ in range(3)]
    publishers.append(make_publisher(policy=rng.choice(Publisher.DisplayPolicy.values), is_active=False))
    groups = [SyndicationGroup.objects.create(size=2) for _ in range(3)]
    stories = []
    for s in range(count):
        story = Story.objects.create(headline="stale", first_seen=base, last_seen=base, size=rng.choice([0, 3, 99]))
        for n in range(rng.randint(0, 9)):
            random_member_add(
                rng, story, title=f"Report {seed}-{s}-{n}", publishers=publishers, groups=groups, base=base
            )
        stories.append(story)
    return stories


@pytest.mark.parametrize("seed", range(8))
def test_a_batch_counts_every_story_as_the_member_by_member_reading_does(seed, monkeypatch):
    # Stories last counted small and large in one batch: the rows of the small ones, aggregates for the others.
    monkeypatch.setattr("newsdesk.stories.counts.SMALL_STORY", 10)
    monkeypatch.setattr("newsdesk.stories.counts.RECOUNT_BATCH", 4)  # two batches: 4 stories, then 2
    stories = _random_stories(seed, 6)
    Story.objects.filter(pk__in=[s.pk for s in stories]).update(is_closed=True)
    before = timezone.now()

    stories_counts_refresh(list(Story.objects.filter(pk__in=[s.pk for s in stories]).defer("state").order_by("pk")))

    for story in stories:
        story.refresh_from_db()
        if not story.size:  # no member: nothing to count but its size
            assert (story.shown_size, story.headline) == (0, "stale")
            continue
        expected = reference_counts(story)
        del expected["reports"]
        assert {key: getattr(story, key) for key in expected} == expected
        assert story.is_closed  # a recount adds no member: a closed story stays closed
        assert story.updated_at >= before


def test_what_a_batch_writes_is_the_counts_alone():
    story = make_story([make_article(make_publisher())])
    Story.objects.filter(pk=story.pk).update(state={"kept": True}, is_closed=True)
    stale = Story.objects.defer("state").get(pk=story.pk)
    Story.objects.filter(pk=story.pk).update(is_closed=False)  # changed by someone else since it was read

    stories_counts_refresh([stale])

    story.refresh_from_db()
    assert (story.state, story.is_closed) == ({"kept": True}, False)
    assert "is_closed" not in COUNTED_FIELDS


def _publisher_in(stories: int) -> Publisher:
    """A publisher with a report in each of `stories` stories, beside another publisher's; the story turn's row
    made (the first turn ever taken creates it: a few queries once)."""
    publisher_stories_recount(publisher_id=make_publisher().pk)
    publisher = make_publisher()
    for n in range(stories):
        make_story([make_article(publisher, title=f"Ours {n}"), make_article(make_publisher(), title=f"Theirs {n}")])
    return publisher


def test_a_publishers_recount_costs_the_same_queries_for_3_stories_as_for_40():
    few, many = _publisher_in(3), _publisher_in(40)
    Publisher.objects.filter(pk__in=[few.pk, many.pk]).update(display_policy="blocked")

    with CaptureQueriesContext(connection) as for_few:
        assert publisher_stories_recount(publisher_id=few.pk) == 3
    with CaptureQueriesContext(connection) as for_many:
        assert publisher_stories_recount(publisher_id=many.pk) == 40

    assert len(for_many) == len(for_few)
    # Each story now led by the other publisher's report, its outlet counted once.
    led = Story.objects.filter(memberships__article__publisher=many).values_list("headline", "outlet_count")
    assert sorted(led) == sorted((f"Theirs {n}", 1) for n in range(40))


def test_a_publishers_recount_of_40_stories_takes_a_handful_of_queries(django_assert_max_num_queries):
    publisher = _publisher_in(40)
    with django_assert_max_num_queries(8):  # was two a story: 80
        publisher_stories_recount(publisher_id=publisher.pk)


def _wire_text_in(stories: int) -> SyndicationGroup:
    """One wire text carried in `stories` stories (two copies each, beside another report), every copy marked an
    original: a refresh of its group marks all but one a repeat, and recounts every story holding one."""
    group = SyndicationGroup.objects.create(size=2 * stories)
    for n in range(stories):
        copies = [make_article(make_publisher(), title=f"Storm shuts the harbour ({n}, {k})") for k in range(2)]
        for copy in copies:
            ArticleSignature.objects.create(article=copy, signature={}, is_repeat=False, group=group)
        make_story([*copies, make_article(make_publisher(), title=f"Harbour closed {n}")])
    return group


def test_a_wire_groups_new_primary_recounts_3_or_12_stories_in_as_many_queries():
    few, many = _wire_text_in(3), _wire_text_in(12)
    publisher_stories_recount(publisher_id=make_publisher().pk)  # the story turn's row, made once
    stories = Story.objects.filter(memberships__article__signature__group=many).distinct()
    assert sorted(stories.values_list("report_count", flat=True)) == [3] * 12

    with CaptureQueriesContext(connection) as for_few:
        syndication_group_refresh(group=few)
    with CaptureQueriesContext(connection) as for_many:
        syndication_group_refresh(group=many)

    assert len(for_many) == len(for_few)
    # Each story reports the wire text once (its primary, or the copy standing in for it) beside its other report.
    assert sorted(stories.values_list("report_count", flat=True)) == [2] * 12
