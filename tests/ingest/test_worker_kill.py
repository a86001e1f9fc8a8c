"""`kill -9` of a real `newsdesk worker` mid-batch loses nothing and stores nothing twice.

The killed worker's leases expire, two fresh workers share what is left, and in the end every article of the
simulated world is stored exactly once and every feed was refreshed exactly once.
"""

import itertools
import os
import signal
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Max
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.demo import world_directory_load
from newsdesk.ingest.models import FetchAttempt
from newsdesk.reader.urls import canonicalize_url
from newsdesk.sources.models import Feed
from tests.postgres.faults import INGEST_S, STARTUP_S, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LEASE_S = 10  # the shortest lease `newsdesk worker` accepts
KILL_AT_FRACTION = 0.25
WORKER_ARGS = ("worker", "--allow-loopback", "--lease", str(LEASE_S), "--idle", "0.2")


def test_kill_9_mid_batch_then_other_workers_store_every_article_exactly_once(paced_world, start_process):
    server, pace = paced_world
    world = server.world
    world_directory_load(server.base_url, IngestContext.from_settings(allow_loopback=True))
    feed_count = Feed.objects.count()
    expected = len(world.articles)
    assert feed_count > 16  # more feeds than one batch
    assert expected > 100  # enough articles to kill the worker in between

    # Unmeasured: killed with SIGKILL, it never saves what coverage measured (the CPU it costs is all it would add).
    first, first_log = start_process("worker-killed", *WORKER_ARGS, "--threads", "2", "--batch", "16", measured=False)
    wait_for(
        lambda: Article.objects.count() >= expected * KILL_AT_FRACTION,
        timeout_s=STARTUP_S,
        what="the first articles",
        processes=[(first, first_log)],
    )
    os.kill(first.pid, signal.SIGKILL)
    assert first.wait(timeout=10) == -signal.SIGKILL

    stored_at_kill = Article.objects.count()
    orphaned = Feed.objects.exclude(lease_owner="")
    assert 0 < stored_at_kill < expected
    assert orphaned.exists(), "the worker died holding no lease: it was not killed mid-batch"
    assert orphaned.filter(last_checked_at__isnull=True).exists()

    # While the dead worker's leases last, another worker refreshes only the feeds nobody holds.
    pace["delay_s"] = 0.0
    orphans = {feed.id: feed.lease_expires_at for feed in orphaned}
    lease_end = Feed.objects.aggregate(end=Max("lease_expires_at"))["end"]
    early, early_log = start_process("worker-early", *WORKER_ARGS, "--once", "--threads", "2")
    assert early.wait(timeout=INGEST_S) == 0, early_log.read_text()
    # Whatever the machine's speed (the early worker may outlive the leases on a loaded one), no refresh of an
    # orphaned feed started before that feed's lease expired: an assertion on recorded times, not on our clock.
    for feed_id, expires_at in orphans.items():
        assert not FetchAttempt.objects.filter(feed_id=feed_id, started_at__lt=expires_at).exists(), feed_id

    time.sleep(max(0.0, (lease_end - timezone.now()).total_seconds()) + 0.2)
    finishers = [
        start_process(f"worker-finisher-{n}", *WORKER_ARGS, "--once", "--threads", "2", "--batch", "4")
        for n in range(2)
    ]
    for worker, log in finishers:
        assert worker.wait(timeout=INGEST_S) == 0, log.read_text()

    canonical_urls = list(Article.objects.values_list("canonical_url", flat=True))
    assert len(canonical_urls) == expected
    assert Counter(canonical_urls).most_common(1)[0][1] == 1
    assert set(canonical_urls) == {canonicalize_url(server.article_url(a)) for a in world.articles}
    # And every one in a story: what the dead worker stored but had not placed yet, the feed's next refresh placed.
    assert not Article.objects.filter(story_membership__isnull=True).exists()
    # Nothing left leased or unvisited.
    assert not Feed.objects.exclude(lease_owner="").exists()
    assert not Feed.objects.filter(lease_expires_at__isnull=False).exists()
    assert not Feed.objects.filter(last_checked_at__isnull=True).exists()
    attempts = Counter(FetchAttempt.objects.values_list("feed_id", flat=True))
    assert set(attempts) == set(Feed.objects.values_list("id", flat=True))
    # A feed whose pages the dead worker still held is looked at again once those page claims expire; but no
    # two refreshes of one feed ever overlapped in time.
    for feed_id in attempts:
        spans = sorted(
            (a.started_at, a.started_at + timedelta(milliseconds=a.duration_ms))
            for a in FetchAttempt.objects.filter(feed_id=feed_id)
        )
        assert all(earlier[1] <= later[0] for earlier, later in itertools.pairwise(spans)), feed_id
