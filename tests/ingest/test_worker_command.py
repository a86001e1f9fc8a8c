"""`newsdesk worker` outlives a failed cycle: it reports the failure in one line and starts the next cycle."""

from io import StringIO

import pytest
from django.core.management import call_command

from newsdesk.ingest.management.commands import worker
from newsdesk.ingest.runner import CycleStats
from newsdesk.rights.steps import RightsStepResult

pytestmark = pytest.mark.django_db


def test_a_cycle_that_raises_is_reported_and_the_worker_goes_on(monkeypatch):
    calls = []

    def worker_cycle(**kwargs):
        calls.append(kwargs["owner"])
        if len(calls) == 1:
            raise RuntimeError("boom\nsecond line")
        if len(calls) == 2:
            return RightsStepResult(removed=[7]), CycleStats(feeds=1, articles_new=3)
        raise KeyboardInterrupt  # how an operator stops it (SIGINT)

    monkeypatch.setattr(worker, "worker_cycle", worker_cycle)
    out, err = StringIO(), StringIO()
    call_command("worker", "--idle", "0", stdout=out, stderr=err)

    assert len(calls) == 3
    assert err.getvalue().strip() == f"{worker.CYCLE_FAILED}: RuntimeError: boom second line"
    assert "cycle: 1 feeds, 3 new articles, 0 errors" in out.getvalue()
    assert "takedowns carried out: 7" in out.getvalue()
    assert out.getvalue().rstrip().endswith("stopped")


def test_with_once_a_failed_cycle_is_reported_and_the_worker_exits(monkeypatch):
    def worker_cycle(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(worker, "worker_cycle", worker_cycle)
    err = StringIO()
    call_command("worker", "--once", stdout=StringIO(), stderr=err)
    assert err.getvalue().strip() == f"{worker.CYCLE_FAILED}: RuntimeError: boom"
