"""Issue 10, defect 1: workers survive the database going away (restart, outage), and a killed worker's feeds
are taken over within its lease. Real `newsdesk worker` processes, the suite's real PostgreSQL server."""

import os
import signal
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.demo import world_directory_load
from newsdesk.ingest.models import FetchAttempt
from newsdesk.reader.urls import canonicalize_url
from newsdesk.sources.models import Feed
from tests.ci import POSTGRES_ONLY
from tests.postgres.faults import INGEST_S, STARTUP_S, wait_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason=POSTGRES_ONLY),
]

LEASE_S = 10  # the shortest lease `newsdesk worker` accepts
WORKER_ARGS = ("worker", "--allow-loopback", "--lease", str(LEASE_S), "--idle", "0.2", "--threads", "2")


def _subscribe(server) -> int:
    world_directory_load(server.base_url, IngestContext.from_settings(allow_loopback=True))
    return len(server.world.articles)


def _every_article_stored_once(server) -> None:
    canonical_urls = list(Article.objects.values_list("canonical_url", flat=True))
    assert Counter(canonical_urls).most_common(1)[0][1] == 1
    assert set(canonical_urls) == {canonicalize_url(server.article_url(a)) for a in server.world.articles}


def test_a_database_restart_mid_cycle_leaves_both_workers_alive_and_every_article_stored_once(
    paced_world, start_process, database_server
):
    server, pace = paced_world
    expected = _subscribe(server)
    workers = [start_process(f"worker-{n}", *WORKER_ARGS, "--batch", "4") for n in range(2)]
    wait_for(
        lambda: (
            Article.objects.count() >= expected * 0.15
            and Feed.objects.exclude(lease_owner="").values("lease_owner").distinct().count() == 2
        ),
        timeout_s=STARTUP_S,
        what="both workers mid-cycle",
        processes=workers,
    )

    database_server.halt()
    time.sleep(2)
    database_server.resume()
    pace["delay_s"] = 0.0

    wait_for(
        lambda: Article.objects.count() == expected and not Feed.objects.filter(last_checked_at__isnull=True).exists(),
        timeout_s=INGEST_S,
        what="every article and feed after the restart",
        processes=workers,
    )
    # Nothing stays leased: interrupted batches were written or given back, and no lease outlived its expiry.
    wait_for(
        lambda: not Feed.objects.exclude(lease_owner="").exists(),
        timeout_s=LEASE_S * 2,
        what="every lease released",
        processes=workers,
    )
    _every_article_stored_once(server)
    for process, log in workers:
        assert process.poll() is None, log.read_text()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, log.read_text()
        text = log.read_text()
        assert "Traceback" not in text
        assert text.rstrip().endswith("stopped")


def test_a_worker_started_while_the_database_is_down_waits_for_it_then_works(
    paced_world, start_process, database_server
):
    server, pace = paced_world
    pace["delay_s"] = 0.0
    expected = _subscribe(server)
    database_server.halt()
    worker, log = start_process("worker", *WORKER_ARGS)
    wait_for(
        lambda: log.read_text().count("database unavailable") >= 2,
        timeout_s=STARTUP_S,
        what="the worker's retries",
        processes=[(worker, log)],
    )
    database_server.resume()
    wait_for(
        lambda: Article.objects.count() == expected,
        timeout_s=INGEST_S,
        what="every article once the database is back",
        processes=[(worker, log)],
    )
    retries = [line for line in log.read_text().splitlines() if "database unavailable" in line]
    # One line per try, 1 s then doubling: "retrying in 1s", "retrying in 2s", ...
    assert retries[0].endswith("retrying in 1s"), retries
    assert retries[1].endswith("retrying in 2s"), retries
    assert "Traceback" not in log.read_text()


def test_the_feeds_of_a_killed_worker_are_taken_over_within_the_lease(paced_world, start_process):
    server, pace = paced_world
    expected = _subscribe(server)
    # Both unmeasured: the victim dies by SIGKILL and the survivor by the fixture's at the end, so coverage would
    # save nothing of either.
    victim = start_process("victim", *WORKER_ARGS, "--batch", "16", measured=False)
    wait_for(
        lambda: Article.objects.count() >= expected * 0.1,
        timeout_s=STARTUP_S,
        what="the first articles",
        processes=[victim],
    )
    os.kill(victim[0].pid, signal.SIGKILL)
    victim[0].wait(timeout=10)
    killed_at = timezone.now()
    orphans = {feed.id: feed.lease_expires_at for feed in Feed.objects.exclude(lease_owner="")}
    assert orphans, "the worker died holding no lease: it was not killed mid-batch"

    pace["delay_s"] = 0.0
    survivor = start_process("survivor", *WORKER_ARGS, measured=False)
    wait_for(
        lambda: (
            Article.objects.count() == expected
            and all(FetchAttempt.objects.filter(feed_id=i, started_at__gte=e).exists() for i, e in orphans.items())
        ),
        timeout_s=LEASE_S + INGEST_S,
        what="every article and every orphaned feed",
        processes=[survivor],
    )
    for feed_id, expires_at in orphans.items():
        # The lease holds: nobody refreshed an orphaned feed before its lease expired ...
        early = FetchAttempt.objects.filter(feed_id=feed_id, started_at__gte=killed_at, started_at__lt=expires_at)
        assert not early.exists(), feed_id
        # ... and it was taken over soon after: its lease expired at most one lease after the kill (leases are
        # renewed every third of one), then the survivor's next claims took it (slack for a loaded machine).
        started = min(
            FetchAttempt.objects.filter(feed_id=feed_id, started_at__gte=expires_at).values_list(
                "started_at", flat=True
            )
        )
        assert started - killed_at < timedelta(seconds=3 * LEASE_S), (feed_id, started - killed_at)
    _every_article_stored_once(server)
