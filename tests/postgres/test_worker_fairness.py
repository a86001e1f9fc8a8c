"""Issue 10, defect 4: two workers with the default --threads and --batch share 16 due feeds; neither claims them
all while the other idles. Real `newsdesk worker` processes on the test's database (SQLite or PostgreSQL)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.demo import world_directory_load
from newsdesk.sources.models import Feed
from tests.postgres.faults import INGEST_S, STARTUP_S, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

FEEDS = 16  # the case: one --batch (default 16) worth of feeds


def _feeds_refreshed(log_text: str) -> int:
    return sum(int(n) for n in re.findall(r"^cycle: (\d+) feeds", log_text, flags=re.MULTILINE))


def test_two_workers_with_default_flags_split_16_feeds(paced_world, start_process):
    server, pace = paced_world
    pace["delay_s"] = 0.1  # each feed takes a while, as real publishers' do
    world_directory_load(server.base_url, IngestContext.from_settings(allow_loopback=True))
    kept = list(Feed.objects.order_by("id").values_list("id", flat=True)[:FEEDS])
    Feed.objects.exclude(id__in=kept).update(is_paused=True)
    Feed.objects.update(next_check_at=timezone.now() + timedelta(days=1))  # nothing due while the workers start
    # Default --threads and --batch; a short --idle so both are polling when the feeds fall due.
    # Unmeasured: the test ends them with SIGKILL, so coverage never saved what they ran; it only made them slower.
    workers = [
        start_process(f"worker-{n}", "worker", "--allow-loopback", "--idle", "0.2", measured=False) for n in range(2)
    ]
    wait_for(
        lambda: all("started" in log.read_text() for _, log in workers),
        timeout_s=STARTUP_S,
        what="both workers",
        processes=workers,
    )

    Feed.objects.filter(id__in=kept).update(next_check_at=None)
    wait_for(
        lambda: sum(_feeds_refreshed(log.read_text()) for _, log in workers) >= FEEDS,
        timeout_s=INGEST_S,
        what="every feed refreshed",
        processes=workers,
    )
    refreshed = [_feeds_refreshed(log.read_text()) for _, log in workers]
    assert sum(refreshed) == FEEDS
    assert all(share > 0 for share in refreshed), refreshed
    assert not Feed.objects.filter(id__in=kept, last_checked_at__isnull=True).exists()
