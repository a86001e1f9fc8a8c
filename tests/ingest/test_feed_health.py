"""How a feed's health evolves: schedule, backoff, pausing, Retry-After, and moving only after a persistent 301."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.ingest.context import HostBusy, IngestContext
from newsdesk.ingest.models import EntryFailure, FetchAttempt, HostThrottle
from newsdesk.ingest.schedule import (
    MAX_BACKOFF_S,
    MAX_INTERVAL_S,
    MIN_INTERVAL_S,
    PAUSE_AFTER_ERRORS,
    backoff_seconds,
    interval_for_entry_rate,
)
from newsdesk.ingest.services import REDIRECT_CONFIRMATIONS, feed_refresh
from newsdesk.sources.models import Feed
from tests.factories import make_feed, make_publisher
from tests.sources.conftest import serve  # noqa: F401 - loopback server fixture
from tests.sources.loopback import Reply

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>http://x/</link>
<item><title>A</title><link>http://127.0.0.1:9/a</link><description>a</description></item></channel></rss>"""


@pytest.mark.parametrize(
    ("entries_last_week", "expected"),
    [(0, MAX_INTERVAL_S), (1, MAX_INTERVAL_S), (7, 24 * 3600), (168, 3600), (100_000, MIN_INTERVAL_S)],
)
def test_check_interval_follows_how_often_the_feed_publishes(entries_last_week, expected):
    assert interval_for_entry_rate(entries_last_week) == expected


def test_backoff_doubles_with_jitter_and_is_capped():
    rng = random.Random(1)
    first, second, third = (backoff_seconds(n, rng=rng) for n in (1, 2, 3))
    assert 48 <= first <= 72
    assert 96 <= second <= 144
    assert 192 <= third <= 288
    assert backoff_seconds(50, rng=rng) <= MAX_BACKOFF_S * 1.2


@pytest.mark.django_db
def test_a_feed_is_paused_after_repeated_failures_with_the_reason(serve):  # noqa: F811
    server = serve({})
    feed = make_feed(make_publisher(), url=server.base + "/gone.xml", consecutive_errors=PAUSE_AFTER_ERRORS - 1)

    feed_refresh(feed=feed, context=IngestContext.from_settings(allow_loopback=True))

    feed.refresh_from_db()
    assert feed.is_paused
    assert "HTTP 404" in feed.paused_reason
    assert f"{PAUSE_AFTER_ERRORS} consecutive errors" in feed.paused_reason


@pytest.mark.django_db
def test_retry_after_pushes_the_next_check_and_blocks_the_host(serve):  # noqa: F811
    server = serve({"/feed.xml": Reply(status=429, headers=(("Retry-After", "3600"),))})
    feed = make_feed(make_publisher(), url=server.base + "/feed.xml")
    context = IngestContext.from_settings(allow_loopback=True)

    feed_refresh(feed=feed, context=context)

    feed.refresh_from_db()
    assert feed.next_check_at >= timezone.now() + timedelta(seconds=3500)
    with pytest.raises(HostBusy):
        context.fetch(server.base + "/other.xml")
    assert server.paths() == ["/robots.txt", "/feed.xml"]


@pytest.mark.django_db
def test_a_sibling_feed_of_a_host_that_asked_to_wait_is_deferred_to_the_end_of_the_wait_not_failed(serve):  # noqa: F811
    server = serve({"/feed.xml": Reply(status=429, headers=(("Retry-After", "3600"),)), "/other.xml": Reply(body=RSS)})
    publisher = make_publisher()
    limited = make_feed(publisher, url=server.base + "/feed.xml")
    # One error short of the pause: counted as a failure, the host's wait alone would pause this feed.
    sibling = make_feed(publisher, url=server.base + "/other.xml", consecutive_errors=PAUSE_AFTER_ERRORS - 1)
    context = IngestContext.from_settings(allow_loopback=True)
    feed_refresh(feed=limited, context=context)

    report = feed_refresh(feed=sibling, context=context)

    sibling.refresh_from_db()
    assert report.outcome == FetchAttempt.Outcome.DEFERRED
    assert (sibling.consecutive_errors, sibling.is_paused) == (PAUSE_AFTER_ERRORS - 1, False)
    assert sibling.next_check_at >= timezone.now() + timedelta(seconds=3500)
    attempt = FetchAttempt.objects.get(feed=sibling)
    assert attempt.outcome == FetchAttempt.Outcome.DEFERRED
    assert attempt.error.startswith("host asked us to wait 3")
    assert server.paths() == ["/robots.txt", "/feed.xml"]  # the sibling's request was never sent


@pytest.mark.django_db
def test_a_permanent_redirect_moves_the_feed_only_after_it_persisted(serve):  # noqa: F811
    server = serve({"/new.xml": Reply(body=RSS, content_type="application/rss+xml")})
    server.routes["/old.xml"] = Reply(status=301, headers=(("Location", server.base + "/new.xml"),))
    feed = make_feed(make_publisher(), url=server.base + "/old.xml")
    context = IngestContext.from_settings(allow_loopback=True)

    for fetch_number in range(1, REDIRECT_CONFIRMATIONS + 1):
        feed_refresh(feed=feed, context=context)
        feed = Feed.objects.get(pk=feed.pk)
        if fetch_number < REDIRECT_CONFIRMATIONS:
            assert feed.url == server.base + "/old.xml"
            assert feed.redirect_seen == fetch_number

    assert feed.url == server.base + "/new.xml"
    assert feed.redirect_candidate == ""


@pytest.mark.django_db
def test_a_temporary_redirect_never_moves_the_feed(serve):  # noqa: F811
    server = serve({"/new.xml": Reply(body=RSS, content_type="application/rss+xml")})
    server.routes["/old.xml"] = Reply(status=302, headers=(("Location", server.base + "/new.xml"),))
    feed = make_feed(make_publisher(), url=server.base + "/old.xml")

    for _ in range(REDIRECT_CONFIRMATIONS + 1):
        feed_refresh(feed=feed, context=IngestContext.from_settings(allow_loopback=True))

    feed.refresh_from_db()
    assert feed.url == server.base + "/old.xml"
    assert feed.redirect_seen == 0


@pytest.mark.django_db
def test_validators_are_kept_only_when_every_entry_was_stored(serve):  # noqa: F811
    server = serve({})
    feed_body = RSS.replace(b"http://127.0.0.1:9/a", (server.base + "/a").encode())
    server.routes["/feed.xml"] = Reply(body=feed_body, content_type="application/rss+xml", headers=(("ETag", '"v1"'),))
    server.routes["/a"] = Reply(status=503)
    feed = make_feed(make_publisher(), url=server.base + "/feed.xml")
    context = IngestContext.from_settings(allow_loopback=True)

    report = feed_refresh(feed=feed, context=context)
    feed.refresh_from_db()
    assert report.page_errors
    assert feed.etag == ""  # so the next fetch is a full one and the page is tried again

    server.routes["/a"] = Reply(body=b"<html><body><article><p>Now it works.</p></article></body></html>")
    # The 503 blocked the origin for every worker for a minute, and the page waits out its retry backoff.
    assert HostThrottle.objects.filter(blocked_until__isnull=False).count() == 1
    HostThrottle.objects.update(blocked_until=None)
    report = feed_refresh(feed=Feed.objects.get(pk=feed.pk), context=IngestContext.from_settings(allow_loopback=True))
    feed.refresh_from_db()
    assert (report.items_new, report.entries_waiting, feed.etag) == (0, 1, "")
    EntryFailure.objects.update(next_try_at=timezone.now())  # let the backoff pass
    report = feed_refresh(feed=Feed.objects.get(pk=feed.pk), context=IngestContext.from_settings(allow_loopback=True))
    feed.refresh_from_db()
    assert report.items_new == 1
    assert feed.etag == '"v1"'
    assert not EntryFailure.objects.exists()
