"""Stories close as part of the workers' regular work: a periodic job every worker offers to run each cycle and one
of them runs per period — however many workers share the database."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from newsdesk.ingest import jobs
from newsdesk.ingest.jobs import JOB_FAILED, Job, job_claim, periodic_jobs_run
from newsdesk.ingest.models import PeriodicJob
from newsdesk.stories.models import Story
from tests.postgres.subprocess_db import python_argv, run_together

CLOSE_LINE = "job stories_close: "


def _story(name: str, *, quiet_for: timedelta) -> Story:
    last = timezone.now() - quiet_for
    return Story.objects.create(headline=name, first_seen=last - timedelta(hours=1), last_seen=last, size=1)


def _worker_once() -> str:
    out = StringIO()
    call_command("worker", "--once", stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_a_worker_cycle_closes_the_stories_quiet_for_longer_than_the_quiet_period():
    quiet = _story("Quiet since yesterday", quiet_for=timedelta(days=1))
    busy = _story("Still reported", quiet_for=timedelta(minutes=30))

    output = _worker_once()

    assert f"{CLOSE_LINE}1 story closed" in output
    quiet.refresh_from_db()
    busy.refresh_from_db()
    assert quiet.is_closed
    assert not busy.is_closed
    job = PeriodicJob.objects.get(name="stories_close")
    assert job.last_outcome == "1 story closed"
    assert job.last_owner in output  # "worker <owner> started"
    assert job.next_run_at > timezone.now() + timedelta(minutes=4)


@pytest.mark.django_db
def test_the_job_runs_once_per_period_however_many_cycles_come_in_between():
    _worker_once()
    late = _story("Went quiet just now", quiet_for=timedelta(days=1))

    assert CLOSE_LINE not in _worker_once()  # not due again yet
    late.refresh_from_db()
    assert not late.is_closed

    PeriodicJob.objects.filter(name="stories_close").update(next_run_at=timezone.now() - timedelta(seconds=1))
    assert f"{CLOSE_LINE}1 story closed" in _worker_once()
    late.refresh_from_db()
    assert late.is_closed


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_the_next_job_still_runs():
    def broken(now):
        raise ValueError("no\nway")

    ran = []
    chain = (
        Job(name="broken", every=timedelta(minutes=1), run=broken),
        Job(name="fine", every=timedelta(minutes=1), run=lambda now: ran.append(now) or "done"),
    )

    assert periodic_jobs_run(owner="w1", jobs=chain) == {"broken": f"{JOB_FAILED}: ValueError: no way", "fine": "done"}
    assert len(ran) == 1
    assert PeriodicJob.objects.get(name="broken").last_outcome == f"{JOB_FAILED}: ValueError: no way"
    assert periodic_jobs_run(owner="w2", jobs=chain) == {}  # both ran this period, failed or not


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_claiming_one_job_at_the_same_moment_leave_it_to_exactly_one(monkeypatch):
    # Without the in-process SQLite lock only the database serialises the claimers (the row lock on PostgreSQL).
    monkeypatch.setattr("newsdesk.common.database._SQLITE_WRITES", threading.Lock())
    now = timezone.now()
    PeriodicJob.objects.create(name="stories_close", next_run_at=now - timedelta(minutes=1))
    barrier = threading.Barrier(6)
    taken: list[bool] = []

    def claimer(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            taken.append(job_claim(name="stories_close", owner=f"w{n}", every=timedelta(minutes=5), now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=claimer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(taken) == [False] * 5 + [True]


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_started_together_close_the_stories_once(tmp_path):
    quiet = _story("Quiet since yesterday", quiet_for=timedelta(days=1))
    finished = run_together(python_argv("-m", "newsdesk", "worker", "--once"), count=2, log_dir=tmp_path, timeout_s=180)

    assert [status for status, _ in finished] == [0, 0]
    outputs = [output for _, output in finished]
    assert sum(CLOSE_LINE in output for output in outputs) == 1, outputs
    assert any(f"{CLOSE_LINE}1 story closed" in output for output in outputs)
    quiet.refresh_from_db()
    assert quiet.is_closed


def test_closing_stories_is_one_of_the_jobs_and_due_every_few_minutes():
    (close,) = [job for job in jobs.periodic_jobs() if job.name == "stories_close"]
    assert close.every == timedelta(minutes=5)  # the default


def test_the_period_of_closing_stories_is_a_setting(settings):
    settings.NEWSDESK_STORIES_CLOSE_SECONDS = 45
    (close,) = [job for job in jobs.periodic_jobs() if job.name == "stories_close"]
    assert close.every == timedelta(seconds=45)
