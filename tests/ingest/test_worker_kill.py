"""`kill -9` of a real `newsdesk worker` mid-batch loses nothing and stores nothing twice.

The killed worker's leases expire, two fresh workers share what is left, and in the end every article of the
simulated world is stored exactly once and every feed was refreshed exactly once.
"""

import dataclasses
import itertools
import os
import signal
import subprocess
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db.models import Max
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.demo import world_directory_load
from newsdesk.ingest.models import FetchAttempt
from newsdesk.reader.urls import canonicalize_url
from newsdesk.sources.models import Feed
from newsdesk_world.generator import generate_world
from newsdesk_world.render.site import PublisherSite
from newsdesk_world.server import serve_world
from tests.postgres.subprocess_db import REPO, child_env, python_argv

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LEASE_S = 10  # the shortest lease `newsdesk worker` accepts
PAGE_DELAY_S = 0.05  # slows the first worker down enough to kill it mid-batch
KILL_AT_FRACTION = 0.25


@pytest.fixture
def paced_world(monkeypatch):
    """The simulated world on loopback; `pace["delay_s"]` delays every publisher response while it is set."""
    pace = {"delay_s": PAGE_DELAY_S}
    resolve = PublisherSite.resolve

    def paced_resolve(self, path):
        resource = resolve(self, path)
        return dataclasses.replace(resource, delay_s=max(resource.delay_s, pace["delay_s"]))

    monkeypatch.setattr(PublisherSite, "resolve", paced_resolve)
    server = serve_world(generate_world(seed=23, slow_delay_s=0.2))
    yield server, pace
    server.stop()


@pytest.fixture
def start_worker(tmp_path):
    """Start `newsdesk worker` processes on this test's database; any still running at the end are killed."""
    started: list[subprocess.Popen] = []

    def start(name: str, *options: str) -> tuple[subprocess.Popen, Path]:
        log = tmp_path / f"worker-{name}.log"
        argv = python_argv("-m", "newsdesk", "worker", "--allow-loopback", "--lease", str(LEASE_S), "--idle", "0.2")
        with log.open("w") as out:
            worker = subprocess.Popen(
                [*argv, *options], cwd=REPO, env=child_env(), stdout=out, stderr=subprocess.STDOUT
            )
        started.append(worker)
        return worker, log

    yield start
    for worker in started:
        if worker.poll() is None:
            worker.kill()
        worker.wait(timeout=10)


def _wait_for(condition, *, timeout_s: float, what: str, worker: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if worker.poll() is not None:
            pytest.fail(f"worker exited ({worker.returncode}) before {what}:\n{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}:\n{log.read_text()}")
        time.sleep(0.05)


def test_kill_9_mid_batch_then_other_workers_store_every_article_exactly_once(paced_world, start_worker):
    server, pace = paced_world
    world = server.world
    world_directory_load(server.base_url, IngestContext.from_settings(allow_loopback=True))
    feed_count = Feed.objects.count()
    expected = len(world.articles)
    assert feed_count > 16  # more feeds than one batch
    assert expected > 100  # enough articles to kill the worker in between

    first, first_log = start_worker("killed", "--threads", "2", "--batch", "16")
    _wait_for(
        lambda: Article.objects.count() >= expected * KILL_AT_FRACTION,
        timeout_s=30,
        what="the first articles",
        worker=first,
        log=first_log,
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
    early, early_log = start_worker("early", "--once", "--threads", "2")
    assert early.wait(timeout=30) == 0, early_log.read_text()
    # Whatever the machine's speed (the early worker may outlive the leases on a loaded one), no refresh of an
    # orphaned feed started before that feed's lease expired: an assertion on recorded times, not on our clock.
    for feed_id, expires_at in orphans.items():
        assert not FetchAttempt.objects.filter(feed_id=feed_id, started_at__lt=expires_at).exists(), feed_id

    time.sleep(max(0.0, (lease_end - timezone.now()).total_seconds()) + 0.2)
    finishers = [start_worker(f"finisher-{n}", "--once", "--threads", "2", "--batch", "4") for n in range(2)]
    for worker, log in finishers:
        assert worker.wait(timeout=60) == 0, log.read_text()

    canonical_urls = list(Article.objects.values_list("canonical_url", flat=True))
    assert len(canonical_urls) == expected
    assert Counter(canonical_urls).most_common(1)[0][1] == 1
    assert set(canonical_urls) == {canonicalize_url(server.article_url(a)) for a in world.articles}
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
