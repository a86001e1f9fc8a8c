"""A worker whose lease expired and was taken over must not overwrite the new holder's feed state."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.ingest.claims import feed_claim
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.models import FetchAttempt
from newsdesk.ingest.services import feed_refresh
from newsdesk.sources.models import Feed
from tests.factories import make_feed, make_publisher

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_refresh_after_losing_the_lease_leaves_the_feed_to_its_new_owner():
    # Port 9 on loopback: nothing listens, so the refresh fails fast with a connection error.
    feed = make_feed(make_publisher(), url="http://127.0.0.1:9/feed.xml")
    (mine,) = feed_claim(owner="worker-a", limit=1, lease_s=60)
    Feed.objects.filter(pk=feed.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    (theirs,) = feed_claim(owner="worker-b", limit=1, lease_s=60)
    assert theirs.pk == mine.pk

    feed_refresh(feed=mine, context=IngestContext.from_settings(allow_loopback=True), owner="worker-a")

    feed.refresh_from_db()
    assert feed.lease_owner == "worker-b"
    assert feed.consecutive_errors == 0  # worker-a's failure was not written over worker-b's row
    assert FetchAttempt.objects.filter(feed=feed, outcome=FetchAttempt.Outcome.ERROR).count() == 1


def test_refresh_while_holding_the_lease_records_the_outcome():
    feed = make_feed(make_publisher(), url="http://127.0.0.1:9/feed.xml")
    (mine,) = feed_claim(owner="worker-a", limit=1, lease_s=60)

    feed_refresh(feed=mine, context=IngestContext.from_settings(allow_loopback=True), owner="worker-a")

    feed.refresh_from_db()
    assert feed.consecutive_errors == 1
    assert feed.last_error
