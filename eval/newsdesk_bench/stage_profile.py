"""Where a refresh cycle's time goes: thread-seconds per stage, measured by wrapping the stage functions that the
ingest code calls (benchmark only: the runtime has no such hooks).

Stages: claim (feed leases), fetch (HTTP, politeness included), parse (feeds), extract (article pages), store
(page claims and article rows) and bookkeeping (feed states, fetch log, lease renewals, schedule inputs).
Thread-seconds overlap (eight refresh threads share one interpreter), so the shares say where the threads
were, not what the cycle's wall clock would lose without a stage.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from newsdesk.ingest import context, entry_refresh, runner, services

# (module, attribute, stage): the names the ingest code looks up at call time.
STAGES = [
    (runner, "feed_claim", "claim"),
    (context.IngestContext, "fetch", "fetch"),
    (services, "parse_feed", "parse"),
    (context.IngestContext, "extract", "extract"),
    (entry_refresh, "page_claim", "store"),
    (entry_refresh, "page_release", "store"),
    (entry_refresh, "article_upsert", "store"),
    (runner, "refresh_records_write", "bookkeeping"),
    (runner, "entries_last_week_by_feed", "bookkeeping"),
    (runner, "feeds_lease_renew", "bookkeeping"),
]


@contextmanager
def stage_profile() -> Iterator[dict[str, float]]:
    """While open, the yielded dict accumulates thread-seconds per stage."""
    seconds: dict[str, float] = defaultdict(float)
    lock = threading.Lock()
    originals = [(owner, name, getattr(owner, name)) for owner, name, _ in STAGES]

    def timed(function, stage):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                with lock:
                    seconds[stage] += time.perf_counter() - started

        return wrapper

    for (owner, name, stage), (_, _, function) in zip(STAGES, originals, strict=True):
        setattr(owner, name, timed(function, stage))
    try:
        yield seconds
    finally:
        for owner, name, function in originals:
            setattr(owner, name, function)


def shares(seconds: dict[str, float]) -> dict[str, float]:
    total = sum(seconds.values()) or 1.0
    return {stage: round(value / total, 3) for stage, value in sorted(seconds.items(), key=lambda kv: -kv[1])}
