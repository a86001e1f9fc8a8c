"""Feed leases: a feed is refreshed by one worker at a time, and a dead worker's feeds come back after its lease."""

import json
import subprocess
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from newsdesk.ingest.claims import feed_claim, feed_release, feeds_lease_renew
from newsdesk.sources.models import Feed
from tests.factories import make_feed, make_publisher
from tests.postgres.faults import STARTUP_S
from tests.postgres.subprocess_db import REPO, child_env, python_argv

pytestmark = [pytest.mark.postgres]

# A claimer process's start line: Django set up, it says it is ready, then waits for the go file.
START_LINE = """
import json, pathlib, sys, time
import django
django.setup()
from newsdesk.ingest.claims import feed_claim
owner, go = sys.argv[1], pathlib.Path(sys.argv[2])
(go.parent / f"ready-{owner}").touch()
while not go.exists():
    time.sleep(0.005)
"""

CLAIMER_SCRIPT = (
    START_LINE
    + """claimed = []
while batch := feed_claim(owner=owner, limit=2, lease_s=300):
    claimed += [feed.id for feed in batch]
print(json.dumps(claimed))
"""
)


def _feeds(count: int, **fields) -> list[Feed]:
    publisher = make_publisher()
    return [make_feed(publisher, **fields) for _ in range(count)]


def _ids(feeds: list[Feed]) -> set[int]:
    return {feed.id for feed in feeds}


def _run_claimers(script: str, count: int, tmp_path) -> list[str]:
    """Run `count` processes of `script` (argv: owner "process-N", start-line file), released together; their
    stdouts. Fails the test if any of them failed."""
    go = tmp_path / "go"
    claimers = [
        subprocess.Popen(
            python_argv("-c", script, f"process-{n}", str(go)),
            cwd=REPO,
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(count)
    ]
    try:
        # Released together only once every one waits at the start line: on a loaded machine starting Python and
        # Django takes seconds, and a claimer still starting would find the others done, with nothing to race.
        deadline = time.monotonic() + STARTUP_S
        while not all((tmp_path / f"ready-process-{n}").exists() for n in range(count)):
            exited = [claimer for claimer in claimers if claimer.poll() is not None]
            assert not exited, [claimer.communicate() for claimer in exited]
            assert time.monotonic() < deadline, f"the claimers were not all ready within {STARTUP_S} s"
            time.sleep(0.05)
        go.touch()
        outputs = [claimer.communicate(timeout=60) for claimer in claimers]
    finally:
        for claimer in claimers:
            if claimer.poll() is None:
                claimer.kill()
                claimer.wait()
    assert [claimer.returncode for claimer in claimers] == [0] * count, [err for _, err in outputs]
    return [out for out, _ in outputs]


@pytest.mark.django_db
def test_claim_leases_feeds_to_the_owner_for_the_lease_length():
    feed = _feeds(1)[0]
    before = timezone.now()

    claimed = feed_claim(owner="worker-a", limit=5, lease_s=60)

    assert _ids(claimed) == {feed.id}
    feed.refresh_from_db()
    assert feed.lease_owner == "worker-a"
    assert before + timedelta(seconds=55) < feed.lease_expires_at < timezone.now() + timedelta(seconds=65)


@pytest.mark.django_db
def test_a_leased_feed_is_not_claimed_again_before_its_lease_expires():
    feeds = _feeds(3)

    first = feed_claim(owner="worker-a", limit=10, lease_s=60)
    second = feed_claim(owner="worker-b", limit=10, lease_s=60)

    assert _ids(first) == _ids(feeds)
    assert second == []
    assert set(Feed.objects.values_list("lease_owner", flat=True)) == {"worker-a"}


@pytest.mark.django_db
def test_claim_respects_the_limit_and_later_claims_get_the_rest():
    feeds = _feeds(5)

    first = feed_claim(owner="worker-a", limit=2)
    second = feed_claim(owner="worker-b", limit=2)
    third = feed_claim(owner="worker-c", limit=2)

    assert [len(first), len(second), len(third)] == [2, 2, 1]
    assert _ids(first) | _ids(second) | _ids(third) == _ids(feeds)


@pytest.mark.django_db
def test_an_expired_lease_is_claimable_and_the_old_owner_can_no_longer_release_it():
    feed = _feeds(1)[0]
    feed_claim(owner="dead-worker", limit=1, lease_s=60)
    Feed.objects.filter(pk=feed.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))

    claimed = feed_claim(owner="worker-b", limit=1, lease_s=60)
    feed_release(feed=feed, owner="dead-worker")

    assert _ids(claimed) == {feed.id}
    feed.refresh_from_db()
    assert feed.lease_owner == "worker-b"
    assert feed.lease_expires_at > timezone.now()
    assert feeds_lease_renew(feed_ids=[feed.pk], owner="dead-worker") == set()


@pytest.mark.django_db
def test_release_frees_the_feed_for_the_next_claim():
    feed = _feeds(1)[0]
    feed_claim(owner="worker-a", limit=1)

    feed_release(feed=feed, owner="worker-a")

    feed.refresh_from_db()
    assert (feed.lease_owner, feed.lease_expires_at) == ("", None)
    assert _ids(feed_claim(owner="worker-b", limit=1)) == {feed.id}


@pytest.mark.django_db
def test_renew_extends_only_the_owners_lease():
    feed = _feeds(1)[0]
    feed_claim(owner="worker-a", limit=1, lease_s=10)
    Feed.objects.filter(pk=feed.pk).update(lease_expires_at=timezone.now() + timedelta(seconds=1))

    assert feeds_lease_renew(feed_ids=[feed.pk], owner="worker-a", lease_s=600) == {feed.pk}
    assert feeds_lease_renew(feed_ids=[feed.pk], owner="worker-b", lease_s=600) == set()

    feed.refresh_from_db()
    assert feed.lease_owner == "worker-a"
    assert feed.lease_expires_at > timezone.now() + timedelta(seconds=500)


@pytest.mark.django_db
def test_due_only_claims_due_feeds_while_a_full_pass_claims_every_active_feed():
    now = timezone.now()
    publisher = make_publisher()
    never_checked = make_feed(publisher)
    overdue = make_feed(publisher, next_check_at=now - timedelta(minutes=5))
    scheduled = make_feed(publisher, next_check_at=now + timedelta(hours=1))

    due = feed_claim(owner="due-pass", limit=10, due_only=True)
    assert _ids(due) == {never_checked.id, overdue.id}
    Feed.objects.update(lease_owner="", lease_expires_at=None)

    full = feed_claim(owner="full-pass", limit=10, due_only=False)
    assert _ids(full) == {never_checked.id, overdue.id, scheduled.id}


@pytest.mark.django_db
def test_a_full_pass_skips_feeds_already_checked_since_it_started():
    pass_start = timezone.now()
    publisher = make_publisher()
    checked_in_this_pass = make_feed(publisher, last_checked_at=pass_start + timedelta(seconds=1))
    checked_before_the_pass = make_feed(publisher, last_checked_at=pass_start - timedelta(hours=1))
    never_checked = make_feed(publisher)

    claimed = feed_claim(owner="full-pass", limit=10, due_only=False, checked_before=pass_start)

    assert _ids(claimed) == {checked_before_the_pass.id, never_checked.id}
    assert checked_in_this_pass.id not in _ids(claimed)


@pytest.mark.django_db
@pytest.mark.parametrize("due_only", [True, False])
def test_paused_feeds_and_feeds_of_inactive_publishers_are_never_claimed(due_only):
    active = make_publisher()
    inactive = make_publisher(is_active=False)
    running = make_feed(active)
    make_feed(active, is_paused=True, paused_reason="too many errors")
    make_feed(inactive)

    claimed = feed_claim(owner="worker-a", limit=10, due_only=due_only)

    assert _ids(claimed) == {running.id}


@pytest.mark.django_db
def test_never_checked_feeds_are_claimed_before_scheduled_ones_on_every_database():
    now = timezone.now()
    publisher = make_publisher()
    overdue = [make_feed(publisher, next_check_at=now - timedelta(minutes=m)) for m in (1, 30)]
    never_checked = make_feed(publisher)

    claimed = feed_claim(owner="worker-a", limit=3)

    assert [feed.id for feed in claimed] == [never_checked.id, overdue[1].id, overdue[0].id]


@pytest.mark.django_db(transaction=True)
def test_claimers_on_many_threads_never_get_the_same_feed():
    feeds = _feeds(60)
    claims: dict[str, list[int]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def claimer(owner: str) -> None:
        got: list[int] = []
        try:
            start.wait(timeout=10)
            while batch := feed_claim(owner=owner, limit=3, lease_s=300):
                got += [feed.id for feed in batch]
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            claims[owner] = got
            connection.close()

    threads = [threading.Thread(target=claimer, args=(f"thread-{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    claimed = Counter(feed_id for got in claims.values() for feed_id in got)
    assert set(claimed) == _ids(feeds)
    assert set(claimed.values()) == {1}
    owners = dict(Feed.objects.values_list("id", "lease_owner"))
    for owner, got in claims.items():
        assert all(owners[feed_id] == owner for feed_id in got)


@pytest.mark.django_db(transaction=True)
def test_claimers_in_separate_processes_never_get_the_same_feed(tmp_path):
    feeds = _feeds(40)
    outputs = _run_claimers(CLAIMER_SCRIPT, 4, tmp_path)

    claimed = Counter(feed_id for out in outputs for feed_id in json.loads(out))
    assert set(claimed) == _ids(feeds)
    assert set(claimed.values()) == {1}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED is PostgreSQL's; SQLite serialises claims")
@pytest.mark.django_db(transaction=True)
def test_a_claim_skips_feeds_locked_by_an_unfinished_claim_instead_of_waiting():
    feeds = _feeds(4)
    locked_ids = [feeds[0].id, feeds[1].id]
    locked, finish = threading.Event(), threading.Event()

    def slow_claimer() -> None:
        try:
            with transaction.atomic():
                list(Feed.objects.select_for_update().filter(id__in=locked_ids))
                locked.set()
                finish.wait(timeout=15)
        finally:
            connection.close()

    holder = threading.Thread(target=slow_claimer)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        claimed = feed_claim(owner="worker-b", limit=10)
        # A state, not a stopwatch: the holder keeps its locks until `finish` is set (or for 15 s), so a claim that
        # had waited for them would return only after the holder's transaction ended.
        holder_still_locking = holder.is_alive() and not finish.is_set()
    finally:
        finish.set()
        holder.join(timeout=20)

    assert _ids(claimed) == {feeds[2].id, feeds[3].id}
    assert holder_still_locking


@pytest.mark.django_db
def test_per_origin_caps_the_feeds_of_one_publisher_leased_by_all_workers_together():
    busy_site = make_publisher(homepage="https://busy.example/")
    quiet_site = make_publisher(homepage="https://quiet.example/")
    busy = [make_feed(busy_site) for _ in range(6)]
    quiet = [make_feed(quiet_site) for _ in range(3)]

    first = feed_claim(owner="worker-a", limit=10, per_origin=2)
    second = feed_claim(owner="worker-b", limit=10, per_origin=2)
    feed_release(feed=first[0], owner="worker-a")
    third = feed_claim(owner="worker-b", limit=10, per_origin=2)

    assert Counter(f.publisher_id for f in first) == {busy_site.id: 2, quiet_site.id: 2}
    assert second == []  # both origins already have two feeds leased, by another worker
    assert len(third) == 1
    assert third[0].publisher_id == first[0].publisher_id
    assert _ids(first) <= _ids(busy) | _ids(quiet)


ORIGIN_CLAIMER_SCRIPT = (
    START_LINE
    + """claimed = []
for _ in range(5):  # keep what it claims: the leases stay taken
    claimed += [feed.id for feed in feed_claim(owner=owner, limit=3, lease_s=300, per_origin=2)]
print(json.dumps(claimed))
"""
)


@pytest.mark.django_db(transaction=True)
def test_claimers_in_separate_processes_never_exceed_the_per_origin_cap(tmp_path):
    sites = [make_publisher(homepage=f"https://site{n}.example/") for n in range(3)]
    for site in sites:
        for _ in range(8):
            make_feed(site)
    _run_claimers(ORIGIN_CLAIMER_SCRIPT, 4, tmp_path)

    leased = Counter(Feed.objects.filter(lease_owner__startswith="process-").values_list("publisher_id", flat=True))
    assert leased == {site.id: 2 for site in sites}  # every origin filled to the cap, none beyond


@pytest.mark.django_db
def test_renewing_a_batch_extends_the_owners_leases_and_names_the_ones_lost():
    feeds = _feeds(3)
    feed_claim(owner="worker-a", limit=3, lease_s=10)
    Feed.objects.filter(pk=feeds[2].pk).update(lease_owner="worker-b")  # taken over after it expired

    ours = feeds_lease_renew(feed_ids=[f.pk for f in feeds], owner="worker-a", lease_s=600)

    assert ours == {feeds[0].pk, feeds[1].pk}
    renewed = Feed.objects.filter(pk__in=ours, lease_expires_at__gt=timezone.now() + timedelta(seconds=500))
    assert renewed.count() == 2
    assert Feed.objects.get(pk=feeds[2].pk).lease_owner == "worker-b"
