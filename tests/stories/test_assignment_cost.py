"""What one story assignment costs: a handful of queries, and only the open stories whose stored state changed since
the worker's last assignment are decoded again — never a state the clusterer changed in memory that was not stored
(a rolled-back or failed assignment)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.reader.cluster import StoryState
from newsdesk.stories import services
from newsdesk.stories.models import Story, StoryMembership
from newsdesk.stories.services import articles_stories_update, stories_assign
from tests.factories import make_article, make_publisher

pytestmark = pytest.mark.django_db

EVENTS = {
    "flood": (
        "Floods hit Mitchellfurt",
        "Mayor Lena Okafor said the Orbe river burst its banks in Mitchellfurt overnight. Rescue teams from Harwick "
        "County evacuated 1200 residents, and Okafor asked the Delacroix Institute for help.",
    ),
    "vote": (
        "Norland parliament passes budget",
        "Norland's parliament passed the 2027 budget by 88 votes to 61 after Finance Minister Arvid Selmer agreed to "
        "raise pensions; the opposition Green Alliance walked out of the chamber in Osterby.",
    ),
    "final": (
        "Valmora wins the Copa Austral final",
        "Valmora beat Puerto Sereno 3-2 in the Copa Austral final at the Estadio Mirador, with striker Tomas Aguirre "
        "scoring twice; coach Ines Barral called it the club's best night since 1994.",
    ),
}


# Each report's own words, in an order of its own: reports of one event, not copies of one wire text.
FILLER = [
    "witnesses",
    "described",
    "long",
    "queues",
    "outside",
    "shops",
    "while",
    "officials",
    "promised",
    "further",
    "statements",
    "later",
    "today",
    "as",
    "neighbours",
    "traded",
    "rumours",
    "about",
    "delays",
    "costs",
    "schedules",
    "and",
    "what",
    "the",
    "coming",
    "week",
    "might",
    "bring",
    "for",
    "families",
]


@pytest.fixture
def report():
    """A new report of an event, from an outlet of its own, a minute after the last one."""
    start = timezone.now() - timedelta(hours=2)
    count = iter(range(1000))

    def make(event: str):
        n = next(count)
        title, text = EVENTS[event]
        return make_article(
            make_publisher(name=f"Outlet {n}"),
            title=f"{title} ({n})",
            body_text=f"{text} {' '.join(random.Random(n).sample(FILLER, len(FILLER)))}.",
            published_at=start + timedelta(minutes=n),
            wire_credit="",
        )

    return make


@pytest.fixture
def restores(monkeypatch):
    """How many stored states each assignment decoded (this thread's earlier assignments in other tests forgotten)."""
    monkeypatch.setattr(services._restored, "states", {}, raising=False)
    calls: list[int] = []
    original = services.story_state_restore

    def counted(data, embedder):
        calls.append(1)
        return original(data, embedder)

    monkeypatch.setattr(services, "story_state_restore", counted)
    return calls


def story_of(article) -> Story:
    return StoryMembership.objects.select_related("story").get(article=article).story


def test_an_assignment_decodes_only_the_stories_whose_state_changed_since_the_last(report, restores):
    first = {event: report(event) for event in EVENTS}
    for article in first.values():
        articles_stories_update(articles=[article])
    assert len({story_of(a).pk for a in first.values()}) == 3

    restores.clear()
    before = story_of(first["flood"])
    second_flood = report("flood")
    articles_stories_update(articles=[second_flood])
    after = story_of(second_flood)
    assert after == before
    # Written field by field from a narrow read: the time it was updated moves on, the time it was created stays.
    assert (after.created_at, after.size) == (before.created_at, 2)
    assert after.updated_at > before.updated_at
    assert len(restores) == 1  # the story the last assignment opened; the other two as decoded before

    restores.clear()
    second_vote = report("vote")
    articles_stories_update(articles=[second_vote])
    assert story_of(second_vote) == story_of(first["vote"])
    assert len(restores) == 1  # the flood story, changed by the last assignment

    restores.clear()
    Story.objects.filter(pk=story_of(first["final"]).pk).update(state={**story_of(first["final"]).state, "size": 7})
    articles_stories_update(articles=[report("final")])
    assert len(restores) == 2  # the vote story, and the final's whose stored state another writer changed


def test_an_assignment_rolled_back_after_it_ended_leaves_no_changed_state_behind(report, restores):
    first = report("flood")
    articles_stories_update(articles=[first, report("vote")])
    second = report("flood")
    articles_stories_update(articles=[report("final")])  # the flood story's state is now known to this thread

    def assign_then_fail() -> None:
        with transaction.atomic():
            stories_assign(articles=[second])  # the clusterer added it to the flood story's state, in memory
            raise RuntimeError("the caller's transaction fails")

    with pytest.raises(RuntimeError):
        assign_then_fail()
    assert story_of(first).size == 1

    stories_assign(articles=[second])
    story = story_of(first)
    assert story_of(second) == story
    assert (story.size, StoryState.from_json(story.state).size) == (2, 2)


def test_an_assignment_that_fails_midway_leaves_no_changed_state_behind(report, restores, monkeypatch):
    first = report("flood")
    articles_stories_update(articles=[first])
    articles_stories_update(articles=[report("vote")])
    second = report("flood")

    def broken(story):
        raise RuntimeError("the database went away")

    with monkeypatch.context() as patch:
        patch.setattr(services, "story_counts_refresh", broken)
        with pytest.raises(RuntimeError):
            stories_assign(articles=[second])  # after the clusterer added it to the flood story, in memory

    stories_assign(articles=[second])
    story = story_of(first)
    assert (story.size, StoryState.from_json(story.state).size) == (2, 2)


def test_one_more_report_of_a_story_costs_a_handful_of_queries(report):
    for event in EVENTS:
        articles_stories_update(articles=[report(event)])
    article = report("vote")

    with CaptureQueriesContext(connection) as queries:
        articles_stories_update(articles=[article])

    assert story_of(article).size == 2
    # Signature and band keys, candidates, then the story, each in its transaction (savepoints in this test's):
    # 20 statements on SQLite, 22 on PostgreSQL (a turn is a locking read there), of which 4 are the document
    # frequencies' read, the table's next version, the deletion of the rows at 0 that version retires and the names'
    # upsert (stories.frequencies). 27 on SQLite before:
    # each turn read or created twice, the recount in five to eight queries, and update_or_create's two savepoints.
    assert len(queries.captured_queries) <= 22


def test_a_refreshs_new_reports_are_grouped_in_one_wire_turn_and_assigned_in_one_story_turn(report):
    articles_stories_update(articles=[report("flood")])  # the turns' rows exist from then on
    articles = [report(event) for event in EVENTS for _ in range(3)]

    with CaptureQueriesContext(connection) as queries:
        articles_stories_update(articles=articles)

    assert sorted(story_of(a).size for a in articles[::3]) == [3, 3, 4]
    statements = [q["sql"] for q in queries.captured_queries]
    # One transaction (a savepoint in this test's) and, on PostgreSQL, one locking read per turn, not one per
    # article: the 9 articles took 9 wire turns before, 86 statements on SQLite and 96 on PostgreSQL.
    assert sum(sql.startswith("SAVEPOINT") for sql in statements) == 2
    assert sum("stories_storyassignmentturn" in sql for sql in statements) == (
        2 if connection.vendor == "postgresql" else 0
    )
    assert len(statements) <= (72 if connection.vendor == "postgresql" else 70)


def test_a_long_refreshs_reports_are_grouped_in_turns_of_wire_batch_articles(report, monkeypatch):
    monkeypatch.setattr(services, "WIRE_BATCH", 4)
    articles_stories_update(articles=[report("flood")])
    articles = [report(event) for event in EVENTS for _ in range(3)]

    with CaptureQueriesContext(connection) as queries:
        articles_stories_update(articles=articles)

    assert sorted(story_of(a).size for a in articles[::3]) == [3, 3, 4]
    # 4 + 4 + 1 articles: three wire turns (others may group copies in between), then one assignment.
    assert sum(q["sql"].startswith("SAVEPOINT") for q in queries.captured_queries) == 4
