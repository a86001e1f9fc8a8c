"""Two workers storing the same article at the same moment leave exactly one row, and both see it.

Page claims normally keep two workers off one URL; this is the last line of defence behind them (a claim that
expired mid-fetch, two feeds linking one page through different URLs): the unique canonical URL plus
`article_upsert`'s IntegrityError path. The race is forced, not hoped for: each worker's connection waits at a
barrier right after its "is it stored yet?" SELECT, so both have seen "no" before either inserts.
"""

import contextlib
import threading

import pytest
from django.db import connection
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.articles.services import UpsertResult, article_upsert
from newsdesk.reader.types import ExtractedArticle, ParsedEntry
from tests.factories import make_feed, make_publisher

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CANONICAL = "https://harbour.example/news/seal-spotted"
WORKERS = 2


def _store_as_a_worker(publisher, feed, barrier: threading.Barrier, body: str, results: list, errors: list) -> None:
    checked = []

    def wait_after_the_existence_check(execute, sql, params, many, context):
        answer = execute(sql, params, many, context)
        is_check = sql.lstrip().upper().startswith("SELECT") and '"articles_article"' in sql and "canonical_url" in sql
        if is_check and not checked:  # only the first SELECT; the loser's re-read after IntegrityError goes on
            checked.append(sql)
            barrier.wait(timeout=30)
        return answer

    try:
        with connection.execute_wrapper(wait_after_the_existence_check):
            results.append(
                article_upsert(
                    publisher=publisher,
                    feed=feed,
                    entry=ParsedEntry(link=CANONICAL, title="Seal spotted", summary=body),
                    extracted=ExtractedArticle(url=CANONICAL, title="Seal spotted", body_html=f"<p>{body}</p>"),
                    original_url=CANONICAL,
                    canonical_url=CANONICAL,
                    fetched_at=timezone.now(),
                )
            )
    except Exception as exc:  # reported by the test, with the worker's traceback
        errors.append(exc)
    finally:
        connection.close()


def test_two_workers_inserting_the_same_article_at_once_store_one_row(monkeypatch):
    # Threads stand in for two worker processes, which share no lock: drop the one that serialises a single
    # process's SQLite writes (newsdesk.common.database.writes_serialized), or the race could not happen.
    monkeypatch.setattr("newsdesk.common.database._SQLITE_WRITES", contextlib.nullcontext())
    publisher = make_publisher()
    feed = make_feed(publisher)
    barrier = threading.Barrier(WORKERS)
    results: list[UpsertResult] = []
    errors: list[Exception] = []
    workers = [
        threading.Thread(
            target=_store_as_a_worker,
            args=(publisher, feed, barrier, f"A seal was seen at the pier (worker {n}).", results, errors),
        )
        for n in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert errors == []
    assert not barrier.broken, "the workers never both passed the existence check: the race was not forced"
    assert len(results) == WORKERS
    assert Article.objects.filter(canonical_url=CANONICAL).count() == 1
    assert sorted(result.created for result in results) == [False, True]
    stored = Article.objects.get(canonical_url=CANONICAL)
    assert {result.article.pk for result in results} == {stored.pk}
