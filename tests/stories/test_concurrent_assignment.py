"""Two workers assigning one event's articles at the same moment make one story, not two: the second waits for the
assignment turn (a row lock on PostgreSQL, the IMMEDIATE transaction on SQLite), then sees the first one's story."""

import contextlib
import queue
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from newsdesk.reader.cluster import StoryClusterer, clustering_features, document_names
from newsdesk.stories import frequencies
from newsdesk.stories.frequencies import ALL_ARTICLES, frequencies_counted
from newsdesk.stories.models import (
    ArticleSignature,
    DocumentFrequency,
    Story,
    StoryAssignmentTurn,
    StoryMembership,
    SyndicationGroup,
)
from newsdesk.stories.services import CLUSTER_OPTIONS, articles_stories_update
from tests.factories import make_article, make_publisher

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Mayor Lena Okafor said the Orbe river burst its banks in Mitchellfurt overnight. Rescue teams from Harwick "
    "County evacuated 1200 residents, and Okafor asked the Delacroix Institute for help."
)


def _update_at_once(articles, *, slow_table: str) -> list[Exception]:
    """Run articles_stories_update for each article in its own thread (a worker with its own connection), all
    starting together; each worker's SELECTs of `slow_table` are slowed so the workers overlap. The errors raised."""

    def slow_reads(execute, sql, params, many, context):
        answer = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith("SELECT") and f'"{slow_table}"' in sql:
            time.sleep(0.3)  # the workers overlap inside their transactions
        return answer

    def work(article) -> None:
        try:
            barrier.wait(timeout=30)
            with connection.execute_wrapper(slow_reads):
                articles_stories_update(articles=[article])
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    barrier = threading.Barrier(len(articles))
    errors: list[Exception] = []
    workers = [threading.Thread(target=work, args=(a,)) for a in articles]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    return errors


def test_two_workers_assigning_one_event_at_once_make_one_story(monkeypatch):
    monkeypatch.setattr("newsdesk.common.database._SQLITE_WRITES", contextlib.nullcontext())
    now = timezone.now()
    articles = [
        make_article(
            make_publisher(name=f"Outlet {n}"),
            title=f"Floods hit Mitchellfurt (report {n})",
            body_text=TEXT,
            published_at=now - timedelta(minutes=n),
        )
        for n in range(2)
    ]
    StoryAssignmentTurn.objects.get_or_create(id=1)  # as after the first assignment: only the row lock serialises
    # Hold the turn a while: the other worker must wait, not read stale stories.
    errors = _update_at_once(articles, slow_table="stories_story")

    assert errors == []
    assert Story.objects.count() == 1
    assert Story.objects.get().size == 2
    assert StoryMembership.objects.count() == 2
    # Both articles counted in the document frequencies, neither count lost to the other worker's.
    expected: Counter = Counter({ALL_ARTICLES: 2})
    for article in articles:
        features = clustering_features(CLUSTER_OPTIONS, title=article.title, text=article.body_text)
        expected.update(document_names(features))
    assert Counter(dict(DocumentFrequency.objects.values_list("name", "documents"))) == expected


def test_two_workers_storing_copies_of_one_wire_text_at_once_make_one_group(monkeypatch):
    # Each worker stores its copy's signature and looks for the other's; without a turn neither sees the other's
    # uncommitted rows (PostgreSQL's READ COMMITTED) and the copies stay apart, both shown as originals.
    monkeypatch.setattr("newsdesk.common.database._SQLITE_WRITES", contextlib.nullcontext())
    now = timezone.now()
    articles = [
        make_article(
            make_publisher(name=f"Carrier {n}"),
            title="Floods hit Mitchellfurt",
            body_text=f"(AP) — {TEXT} {TEXT}",
            published_at=now - timedelta(minutes=n),
        )
        for n in range(2)
    ]
    StoryAssignmentTurn.objects.get_or_create(id=2)  # as after the first signature: only the row lock serialises
    # Widen the window between a worker storing its own bands and committing them.
    errors = _update_at_once(articles, slow_table="stories_signatureband")

    assert errors == []
    groups = set(ArticleSignature.objects.filter(article__in=articles).values_list("group_id", flat=True))
    assert len(groups) == 1
    assert None not in groups
    group = SyndicationGroup.objects.get(pk=groups.pop())
    assert group.size == 2
    assert group.primary_id == articles[1].pk  # the earlier copy


def _takedown_during_assignment(removed, added) -> list[Exception]:
    """One worker deletes `removed` (as a takedown does, in its own transaction: its membership's names taken back
    there) and holds its deleted membership row a while; another assigns `added` meanwhile. The errors raised."""

    def slow_after_membership_delete(execute, sql, params, many, context):
        answer = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith("DELETE") and '"stories_storymembership"' in sql:
            time.sleep(0.6)  # the assignment starts while this removal holds the row
        return answer

    def remove() -> None:
        try:
            barrier.wait(timeout=30)
            with connection.execute_wrapper(slow_after_membership_delete), transaction.atomic():
                type(removed).objects.filter(pk=removed.pk).delete()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    def assign() -> None:
        try:
            barrier.wait(timeout=30)
            time.sleep(0.2)
            articles_stories_update(articles=[added])
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    barrier = threading.Barrier(2)
    errors: list[Exception] = []
    workers = [threading.Thread(target=remove), threading.Thread(target=assign)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    return errors


@pytest.mark.parametrize("counted", [True, False], ids=["counted", "recounted-in-the-turn"])
def test_a_takedown_while_another_worker_assigns_leaves_the_counts_of_the_articles_in_stories(monkeypatch, counted):
    # The assignment either adds to the counts or, finding the table not counted (after the upgrade), recounts the
    # memberships while the removal holds one of them: either way the removed article counts no more.
    monkeypatch.setattr("newsdesk.common.database._SQLITE_WRITES", contextlib.nullcontext())
    now = timezone.now()
    publisher = make_publisher(name="Outlet")
    first, removed, added = (
        make_article(
            publisher, title=f"Floods hit Mitchellfurt ({n})", body_text=f"{TEXT} Report {word}.", published_at=now
        )
        for n, word in enumerate(("Harwick", "Delacroix", "Orbe"))
    )
    articles_stories_update(articles=[first, removed])
    StoryAssignmentTurn.objects.get_or_create(id=1)
    if not counted:  # as migration stories/0008 leaves it
        DocumentFrequency.objects.filter(name=ALL_ARTICLES).delete()
        StoryMembership.objects.update(counted_names=None)

    errors = _takedown_during_assignment(removed, added)

    assert errors == []
    assert set(StoryMembership.objects.values_list("article_id", flat=True)) == {first.pk, added.pk}
    live = Counter({name: n for name, n in DocumentFrequency.objects.values_list("name", "documents") if n})
    counts, changed = frequencies_counted(CLUSTER_OPTIONS, None)
    assert live == +counts
    assert live[ALL_ARTICLES] == 2
    assert changed == {}


class _Worker(threading.Thread):
    """A worker thread with its own connection (and its own cached counts) that runs what it is given, in turn."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.jobs: queue.Queue = queue.Queue()
        self.start()

    def run(self) -> None:
        while (job := self.jobs.get()) is not None:
            function, answer = job
            try:
                answer.put((True, function()))
            except Exception as exc:  # handed to the test's thread
                answer.put((False, exc))
        connection.close()

    def do(self, function):
        answer: queue.Queue = queue.Queue()
        self.jobs.put((function, answer))
        ok, value = answer.get(timeout=60)
        if not ok:
            raise value
        return value

    def stop(self) -> None:
        self.jobs.put(None)
        self.join(timeout=30)


def _cache_refreshed(wanted: set[str] = frozenset()) -> tuple[int, dict[str, int]]:
    """In a worker's thread: its cached counts brought up to now, as its next turn starts with them (reading the
    `wanted` names it has not cached)."""
    _, documents, known = frequencies._counts_since(frequencies._cache.state, set(wanted))
    return documents, dict(known)


def test_a_worker_s_cached_counts_follow_other_workers_turns_and_removals(monkeypatch):
    monkeypatch.setattr("newsdesk.common.database._SQLITE_WRITES", contextlib.nullcontext())
    now = timezone.now()
    publisher = make_publisher(name="Outlet")
    # Each with a name of its own: the removed one's is changed by the removal alone.
    extras = ("Quarrystone levee held.", "Ombrevale pumps ran.", "Tesselford sent boats.", "Rain ends in Vandermoor.")
    reports = [
        make_article(publisher, title=f"Floods hit Mitchellfurt ({n})", body_text=f"{TEXT} {extra}", published_at=now)
        for n, extra in enumerate(extras)
    ]
    worker = _Worker()
    try:
        worker.do(lambda: articles_stories_update(articles=reports[:2]))
        worker.do(lambda: articles_stories_update(articles=[reports[3]]))  # it caches what it read at this turn
        assert frequencies._cache.state is None  # this thread took no turn: nothing cached here
        articles_stories_update(articles=[reports[2]])  # another worker's turn
        type(reports[0]).objects.filter(pk=reports[0].pk).delete()  # a takedown, outside the turns

        documents, known = worker.do(_cache_refreshed)

        stored = dict(DocumentFrequency.objects.values_list("name", "documents"))
        assert documents == stored[ALL_ARTICLES] == 3
        assert known == {name: stored.get(name, 0) for name in known}
        assert known["levee"] == 0  # a name of the removed report alone, changed by the removal alone
    finally:
        worker.stop()
    live = Counter({name: n for name, n in DocumentFrequency.objects.values_list("name", "documents") if n})
    counts, changed = frequencies_counted(CLUSTER_OPTIONS, None)
    assert live == +counts
    assert changed == {}


def _turn_reading(names: set[str]) -> None:
    """A story turn that weighs `names` (what this thread caches when it commits)."""
    with transaction.atomic():
        frequencies.SeededFrequencies(StoryClusterer(CLUSTER_OPTIONS), None).seed(names)


def test_a_cache_behind_the_deletion_of_rows_at_0_reads_their_names_again(monkeypatch):
    # A row at 0 goes ZERO_ROWS_KEPT_VERSIONS versions after it fell to 0: a cache that never saw it fall is further
    # behind than that, and is dropped; refreshed from the rows changed since, it would keep the old count.
    monkeypatch.setattr("newsdesk.common.database._SQLITE_WRITES", contextlib.nullcontext())
    monkeypatch.setattr(frequencies, "ZERO_ROWS_KEPT_VERSIONS", 2)
    now = timezone.now()
    publisher = make_publisher(name="Outlet")
    reports = [
        make_article(publisher, title=f"Floods hit Mitchellfurt ({n})", body_text=f"{TEXT} {extra}", published_at=now)
        for n, extra in enumerate(("Quarrystone levee held.", "Ombrevale pumps ran."))
    ]
    worker = _Worker()
    try:
        worker.do(lambda: articles_stories_update(articles=reports))
        worker.do(lambda: _turn_reading({"levee", "pumps"}))  # its cache: "levee" at 1
        assert worker.do(lambda: frequencies._cache.state[1]) == {"levee": 1, "pumps": 1}
        type(reports[0]).objects.filter(pk=reports[0].pk).delete()  # "levee" falls to 0
        for _ in range(3):  # three more writers: the third deletes the rows that fell to 0 three versions before
            frequencies.frequencies_increment(Counter({ALL_ARTICLES: 0}))

        documents, known = worker.do(lambda: _cache_refreshed({"levee", "pumps"}))

        assert not DocumentFrequency.objects.filter(name="levee").exists()
        assert DocumentFrequency.objects.get(name="pumps").documents == 1
        assert documents == 1
        assert (known["levee"], known["pumps"]) == (0, 1)
    finally:
        worker.stop()


def test_a_turn_rolled_back_leaves_its_thread_nothing_cached(monkeypatch):
    now = timezone.now()
    first, second = (
        make_article(
            make_publisher(name=f"Outlet {n}"), title="Floods hit Mitchellfurt", body_text=TEXT, published_at=now
        )
        for n in range(2)
    )
    articles_stories_update(articles=[first])
    assert frequencies._cache.state is not None

    def fail(*args, **kwargs):
        raise RuntimeError("the turn fails")

    monkeypatch.setattr("newsdesk.stories.services._assign", fail)
    with pytest.raises(RuntimeError):
        articles_stories_update(articles=[second])

    assert frequencies._cache.state is None
