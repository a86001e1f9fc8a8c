"""The CPU-time budget of parsing one document.

A feed is hostile input: past the fetch deadline its bytes are already here, and what they cost to read is
up to us. libxml2 parses in linear time and stops at `MAX_DEPTH`, so the budget is checked between stages
(strict parse, repair, recovery) and before each entry, where the Python readers spend the time.

Thread CPU time, not wall-clock: a worker parses feeds in several threads on a busy machine, and a budget
that other threads or processes can use up would refuse good feeds at random.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

from newsdesk.reader.feeds.errors import OVER_BUDGET, FeedParseError

# A 15 MiB feed of ordinary entries parses in about a second here; this leaves room for a slow machine.
DEFAULT_CPU_BUDGET_S = 10.0

T = TypeVar("T")


class ParseBudget:
    """Seconds of this thread's CPU time that one `parse_feed` call may spend, counted from creation."""

    __slots__ = ("_started", "seconds")

    def __init__(self, seconds: float = DEFAULT_CPU_BUDGET_S) -> None:
        self.seconds = seconds
        self._started = time.thread_time()

    def check(self, stage: str) -> None:
        """Raise FeedParseError(OVER_BUDGET) once the budget is spent; `stage` says where it ran out."""
        if time.thread_time() - self._started > self.seconds:
            raise FeedParseError(OVER_BUDGET, f"{self.seconds:g} s of CPU time spent, stopped while {stage}")

    def each(self, items: Iterable[T], stage: str) -> Iterator[T]:
        """`items`, checking the budget before each one."""
        for item in items:
            self.check(stage)
            yield item


UNLIMITED = ParseBudget(float("inf"))
