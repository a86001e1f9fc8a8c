"""Periodic housekeeping of the workers: every worker offers each job every cycle, one of them runs it per period.

A job is claimed by one conditional UPDATE (`next_run_at <= now` → `next_run_at = now + every`): on PostgreSQL the
second worker's UPDATE waits for the first one's row lock and then finds the row no longer due; on SQLite writers
take turns anyway. So however many workers share the database, a job runs once per period, and a worker that dies
mid-job only delays it to the next period (nothing stays held). Times come from the database clock on PostgreSQL,
as the feed leases' do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import pluralize

from newsdesk.articles.reindex import search_reindex_due
from newsdesk.common.database import database_unavailable, writes_serialized
from newsdesk.ingest.claims import lease_clock
from newsdesk.ingest.models import PeriodicJob
from newsdesk.ingest.report import one_line
from newsdesk.stories.closing import stories_close

log = logging.getLogger(__name__)

JOB_FAILED = "failed"
# A reindex that outlasts the period may meet another worker's run of the next one: both derive the same text, and a
# run under an older policy asks again (articles.reindex.search_reindex_due).
SEARCH_REINDEX_EVERY = timedelta(seconds=5)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[datetime], str]  # given the database's now; returns what it did, in a few words ("": nothing)


def _stories_close(now: datetime) -> str:
    return str(stories_close(now=now))


def _search_reindex(now: datetime) -> str:
    changed = search_reindex_due()
    return f"{changed} article{pluralize(changed)} reindexed" if changed else ""


def periodic_jobs() -> tuple[Job, ...]:
    """The workers' jobs, with their periods as the settings say now. A story is closed at most
    NEWSDESK_STORIES_CLOSE_SECONDS (default 5 min) after its quiet period ends, or a few runs later when more than
    stories.closing.CLOSE_BATCH are due at once. A publisher's search reindex (a changed display policy) is carried
    out within SEARCH_REINDEX_EVERY of the change, or the first cycle after when the workers sleep longer."""
    return (
        Job(
            name="stories_close",
            every=timedelta(seconds=max(1, settings.NEWSDESK_STORIES_CLOSE_SECONDS)),
            run=_stories_close,
        ),
        Job(name="search_reindex", every=SEARCH_REINDEX_EVERY, run=_search_reindex),
    )


@writes_serialized()
def job_claim(*, name: str, owner: str, every: timedelta, now: datetime) -> bool:
    """Take the job for this period if it is due; True for exactly one of the workers asking at once."""
    with transaction.atomic():
        PeriodicJob.objects.bulk_create([PeriodicJob(name=name, next_run_at=now)], ignore_conflicts=True)
        taken = PeriodicJob.objects.filter(name=name, next_run_at__lte=now).update(
            next_run_at=now + every, last_started_at=now, last_owner=owner[:100]
        )
    return taken == 1


@writes_serialized()
def _job_finished(*, name: str, outcome: str) -> None:
    PeriodicJob.objects.filter(name=name).update(last_finished_at=lease_clock(), last_outcome=outcome[:500])


def periodic_jobs_run(*, owner: str, jobs: tuple[Job, ...] | None = None) -> dict[str, str]:
    """Run every job (default: periodic_jobs()) that is due and that this worker claimed; {name: outcome} of those
    it ran. A failing job is logged and recorded, and the next one still runs; a database outage is the caller's."""
    done: dict[str, str] = {}
    for job in periodic_jobs() if jobs is None else jobs:
        if not job_claim(name=job.name, owner=owner, every=job.every, now=lease_clock()):
            continue
        try:
            outcome = job.run(lease_clock())
        except Exception as exc:
            if database_unavailable(exc):
                raise
            outcome = f"{JOB_FAILED}: {one_line(exc)}"
            log.warning("periodic job failed", extra={"job": job.name, "owner": owner, "error": outcome})
        else:
            log.info("periodic job done", extra={"job": job.name, "owner": owner, "outcome": outcome})
        _job_finished(name=job.name, outcome=outcome)
        done[job.name] = outcome
    return done
