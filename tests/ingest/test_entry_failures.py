"""Nothing one entry or one feed triggers ends more than itself: a failing entry is recorded with a one-line
reason, retried with backoff and given up after ENTRY_MAX_TRIES; a failing feed is recorded and the cycle goes on."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.ingest import context as context_module
from newsdesk.ingest import runner, services
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.entries import ENTRY_MAX_TRIES
from newsdesk.ingest.models import EntryFailure, FetchAttempt
from newsdesk.ingest.runner import run_cycle
from newsdesk.ingest.services import REFRESH_FAILED, feed_refresh
from newsdesk.sources.models import Feed
from tests.factories import make_feed, make_publisher
from tests.sources.conftest import serve  # noqa: F401 - loopback server fixture
from tests.sources.loopback import Reply


def _page(name: str) -> bytes:
    """A page of its own: the same title and text at another address of the publisher would be this article moved."""
    paragraphs = f"<p>A fine paragraph of story {name}.</p>" * 8
    return f"<html><head><title>T {name}</title></head><body><article>{paragraphs}</article></body></html>".encode()


PAGE = _page("ok")


def _rss(base: str, paths: list[str]) -> bytes:
    now = datetime.now(UTC)
    items = "".join(
        f"<item><title>Story {path}</title><link>{base}{path}</link>"
        f"<pubDate>{format_datetime(now - timedelta(minutes=n))}</pubDate></item>"
        for n, path in enumerate(paths)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{items}</channel></rss>'.encode()


def _publisher(serve, paths: list[str]):  # noqa: F811
    server = serve({})
    server.routes["/feed.xml"] = Reply(body=_rss(server.base, paths), content_type="application/rss+xml")
    for path in paths:
        server.routes[path] = Reply(body=_page(path))
    feed = make_feed(make_publisher(homepage=server.base + "/"), url=server.base + "/feed.xml")
    return server, feed


def _refresh(feed: Feed):
    return feed_refresh(feed=Feed.objects.get(pk=feed.pk), context=IngestContext.from_settings(allow_loopback=True))


@pytest.fixture
def buggy_extraction(monkeypatch):
    """Extraction that hits an unexpected bug on pages whose URL contains "/bug" (as a hostile page might)."""
    real = context_module.extract_article

    def extract(html, *, url, **kwargs):
        if "/bug" in url:
            raise RuntimeError("unexpected\nbug in extraction")
        return real(html, url=url, **kwargs)

    monkeypatch.setattr(context_module, "extract_article", extract)


@pytest.mark.django_db
def test_an_exception_in_one_entry_is_recorded_and_the_other_entries_are_stored(serve, buggy_extraction):  # noqa: F811
    server, feed = _publisher(serve, ["/a", "/bug", "/c"])

    report = _refresh(feed)

    assert report.outcome == FetchAttempt.Outcome.OK
    assert set(Article.objects.values_list("original_url", flat=True)) == {server.base + "/a", server.base + "/c"}
    error = FetchAttempt.objects.get(feed=feed).error
    assert f"{server.base}/bug: RuntimeError: unexpected bug in extraction (try 1, retried later)" in error
    failure = EntryFailure.objects.get()
    assert (failure.url, failure.tries, failure.given_up) == (server.base + "/bug", 1, False)
    assert failure.next_try_at > timezone.now()


@pytest.mark.django_db
def test_a_failing_entry_waits_for_its_backoff_then_is_given_up_after_the_last_try(serve, buggy_extraction):  # noqa: F811
    server, feed = _publisher(serve, ["/a", "/bug"])

    _refresh(feed)
    report = _refresh(feed)  # within the backoff: not fetched again
    assert report.entries_waiting == 1
    assert server.paths().count("/bug") == 1
    for _ in range(ENTRY_MAX_TRIES - 1):
        EntryFailure.objects.update(next_try_at=timezone.now())  # let the backoff pass
        report = _refresh(feed)

    assert server.paths().count("/bug") == ENTRY_MAX_TRIES
    failure = EntryFailure.objects.get()
    assert (failure.tries, failure.given_up) == (ENTRY_MAX_TRIES, True)
    assert f"(given up after {ENTRY_MAX_TRIES} tries)" in report.page_errors[0]
    # Given up: never fetched again, and no longer holds the feed's validators back.
    EntryFailure.objects.update(next_try_at=timezone.now())
    report = _refresh(feed)
    assert server.paths().count("/bug") == ENTRY_MAX_TRIES
    assert not report.work_left
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_a_page_that_works_again_is_stored_and_its_failure_forgotten(serve):  # noqa: F811
    server, feed = _publisher(serve, ["/a"])
    server.routes["/a"] = Reply(status=500)
    _refresh(feed)
    assert EntryFailure.objects.get().last_error == "HTTP 500"

    server.routes["/a"] = Reply(body=PAGE)
    EntryFailure.objects.update(next_try_at=timezone.now())
    assert _refresh(feed).items_new == 1
    assert not EntryFailure.objects.exists()


@pytest.mark.django_db
def test_an_exception_in_one_feed_is_recorded_against_it_and_does_not_end_the_refresh(serve, monkeypatch):  # noqa: F811
    _, feed = _publisher(serve, ["/a"])

    def parse_feed(*args, **kwargs):
        raise KeyError("a parser bug")

    monkeypatch.setattr(services, "parse_feed", parse_feed)
    report = _refresh(feed)

    assert report.outcome == FetchAttempt.Outcome.ERROR
    assert report.error == f"{REFRESH_FAILED}: KeyError: 'a parser bug'"
    feed.refresh_from_db()
    assert feed.consecutive_errors == 1
    assert feed.last_error == report.error
    assert FetchAttempt.objects.get(feed=feed).error == report.error


@pytest.mark.django_db(transaction=True)
def test_one_feed_whose_refresh_cannot_even_be_recorded_does_not_end_the_cycle(serve, monkeypatch):  # noqa: F811
    server, good = _publisher(serve, ["/a"])
    doomed = make_feed(good.publisher, url=server.base + "/other.xml")
    real = runner.feed_refresh

    def feed_refresh(*, feed, **kwargs):
        if feed.pk == doomed.pk:
            raise RuntimeError("database went away")
        return real(feed=feed, **kwargs)

    monkeypatch.setattr(runner, "feed_refresh", feed_refresh)
    stats = run_cycle(context=IngestContext.from_settings(allow_loopback=True), full_pass=True, threads=2)

    assert (stats.feeds, stats.errors, stats.articles_new) == (2, 1, 1)
    assert Article.objects.get().original_url == server.base + "/a"
    assert not Feed.objects.exclude(lease_owner="").exists()  # the failed feed's lease was released
    # ... and the failure is recorded against it, so it is backed off rather than claimed again at once.
    doomed.refresh_from_db()
    assert doomed.last_error == f"{REFRESH_FAILED}: RuntimeError: database went away"
    assert doomed.next_check_at > timezone.now()
    assert FetchAttempt.objects.get(feed=doomed).outcome == FetchAttempt.Outcome.ERROR
