"""Politeness per origin (`url_origin`: scheme, host, port) inside one process: at most N requests at once, a
minimum gap between requests (the larger of our default and the site's robots.txt Crawl-delay), and a pause
after 429/503.

Several worker processes each keep their own gate; with W workers an origin sees at most W*N at once.
The Crawl-delay spacing and the 429/503 pause are also shared through the database (ingest/throttle.py).
"""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from newsdesk.reader.urls import url_origin

MAX_CRAWL_DELAY_S = 60.0  # a robots.txt asking for more would stall a worker; we cap and space requests out


@dataclass
class _HostState:
    semaphore: threading.BoundedSemaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_start: float = 0.0  # monotonic time before which no new request may start
    blocked_until: float = 0.0  # after 429/503 with Retry-After


class HostGate:
    """Wrap each request in `with gate.slot(url, crawl_delay_s=...)`."""

    def __init__(
        self,
        *,
        per_host: int = 2,
        min_interval_s: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_host < 1:
            raise ValueError("per_host must be at least 1")
        self.per_host = per_host
        self.min_interval_s = min_interval_s
        self._clock, self._sleep = clock, sleep
        self._hosts: dict[str, _HostState] = {}
        self._lock = threading.Lock()

    def _state(self, key: str) -> _HostState:
        with self._lock:
            state = self._hosts.get(key)
            if state is None:
                state = self._hosts[key] = _HostState(threading.BoundedSemaphore(self.per_host))
            return state

    def blocked_for(self, url: str) -> float:
        """Seconds until the origin accepts requests again after a 429/503 (0 when open)."""
        return max(0.0, self._state(url_origin(url)).blocked_until - self._clock())

    def block(self, url: str, seconds: float) -> None:
        """Stop sending to this origin for `seconds` (called on 429/503 with Retry-After)."""
        state = self._state(url_origin(url))
        with state.lock:
            state.blocked_until = max(state.blocked_until, self._clock() + seconds)

    @contextmanager
    def slot(self, url: str, *, crawl_delay_s: float | None = None) -> Iterator[None]:
        state = self._state(url_origin(url))
        gap = max(self.min_interval_s, min(crawl_delay_s or 0.0, MAX_CRAWL_DELAY_S))
        with state.semaphore:
            with state.lock:
                now = self._clock()
                start = max(now, state.next_start)
                state.next_start = start + gap
            if start > now:
                self._sleep(start - now)
            yield
