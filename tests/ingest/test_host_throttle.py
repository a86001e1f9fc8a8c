"""A robots.txt Crawl-delay holds across workers: two contexts (two workers' gates) share the database slot."""

import time

import pytest
from django.utils import timezone

from newsdesk.ingest.context import HostBusy, IngestContext, SharedHostBlocks
from newsdesk.ingest.models import HostThrottle
from newsdesk.ingest.throttle import host_slot_reserve
from tests.sources.conftest import serve  # noqa: F401 - loopback server fixture
from tests.sources.loopback import Reply

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_reservations_space_requests_by_the_interval():
    url = "http://127.0.0.1:9/a"
    waits = [host_slot_reserve(url=url, interval_s=10) for _ in range(3)]
    assert waits[0] == 0
    assert 9 < waits[1] <= 10
    assert 19 < waits[2] <= 20
    assert HostThrottle.objects.get().origin == "http://127.0.0.1:9"


def test_a_second_worker_waits_for_the_crawl_delay_the_first_one_started(serve):  # noqa: F811
    server = serve({"/robots.txt": Reply(body=b"User-agent: *\nCrawl-delay: 1\n", content_type="text/plain")})
    server.routes["/a"] = Reply(body=b"a")
    worker_one = IngestContext.from_settings(allow_loopback=True)
    worker_two = IngestContext.from_settings(allow_loopback=True)

    worker_one.fetch(server.base + "/a")
    started = time.monotonic()
    worker_two.fetch(server.base + "/a")
    waited = time.monotonic() - started

    assert waited >= 0.8  # worker two's own gate had never seen this host: the wait came from the database


def test_a_retry_after_seen_by_one_worker_stops_the_others(serve):  # noqa: F811
    server = serve({"/robots.txt": Reply(status=404)})
    server.routes["/busy"] = Reply(status=429, headers=(("Retry-After", "120"),))
    server.routes["/other"] = Reply(body=b"x")
    worker_one = IngestContext.from_settings(allow_loopback=True)
    worker_two = IngestContext.from_settings(allow_loopback=True)

    assert worker_one.fetch(server.base + "/busy").status == 429
    sent = len(server.requests)
    with pytest.raises(HostBusy) as refused:
        worker_two.fetch(server.base + "/other")  # another page of the same origin, from another worker

    assert len(server.requests) == sent  # nothing was sent
    assert "wait 1" in str(refused.value)  # ~120 s left
    row = HostThrottle.objects.get(origin=server.base.rstrip("/"))
    assert 110 < (row.blocked_until - timezone.now()).total_seconds() <= 120


def test_shared_blocks_are_read_once_per_interval(django_assert_num_queries):
    blocks = SharedHostBlocks(ttl_s=60)
    with django_assert_num_queries(1):
        for _ in range(50):
            assert blocks.blocked_for("http://127.0.0.1:9/a") == 0.0
