"""What a refresh needs from the outside world: the hardened fetcher and robots.txt, configured from settings."""

import time
from dataclasses import dataclass, field

from django.conf import settings

from newsdesk.ingest.throttle import host_slot_reserve
from newsdesk.reader.fetcher import FetchError, FetchOptions, RobotsCache, fetch
from newsdesk.reader.fetcher.politeness import HostGate
from newsdesk.reader.types import FetchResult


class HostBusy(FetchError):
    """The host told us to back off; the request was not sent."""


def fetch_options_from_settings(*, allow_loopback: bool | None = None) -> FetchOptions:
    return FetchOptions(
        timeout_s=settings.NEWSDESK_FETCH_TIMEOUT,
        max_bytes=settings.NEWSDESK_MAX_BYTES,
        user_agent=settings.NEWSDESK_USER_AGENT,
        allow_loopback=settings.NEWSDESK_ALLOW_LOOPBACK if allow_loopback is None else allow_loopback,
    )


HOST_BLOCKED = "host asked us to wait {seconds:.0f}s more (429/503 Retry-After)"
MAX_HOST_BLOCK_S = 6 * 60 * 60


@dataclass
class IngestContext:
    options: FetchOptions
    per_host: int = 2
    robots: RobotsCache = field(init=False)
    gate: HostGate = field(init=False)

    def __post_init__(self) -> None:
        self.robots = RobotsCache(lambda url: fetch(url, options=self.options))
        self.gate = HostGate(per_host=self.per_host)

    @classmethod
    def from_settings(cls, *, allow_loopback: bool | None = None) -> "IngestContext":
        return cls(options=fetch_options_from_settings(allow_loopback=allow_loopback))

    def robots_allowed(self, url: str) -> bool:
        return self.robots.allowed(url, self.options.user_agent)

    def fetch(self, url: str, *, etag: str = "", last_modified: str = "") -> FetchResult:
        """One polite request: waits for the host's slot and crawl delay; honours a host's Retry-After."""
        if waiting := self.gate.blocked_for(url):
            raise HostBusy(HOST_BLOCKED.format(seconds=waiting))
        crawl_delay = self.robots.crawl_delay(url, self.options.user_agent)
        with self.gate.slot(url, crawl_delay_s=crawl_delay):
            if crawl_delay:
                # The in-process gate spaces this worker's requests; the database spaces all workers'.
                time.sleep(host_slot_reserve(url=url, interval_s=crawl_delay))
            result = fetch(url, options=self.options, etag=etag, last_modified=last_modified)
        if result.status in (429, 503):
            self.gate.block(url, min(result.retry_after_s() or 60.0, MAX_HOST_BLOCK_S))
        return result
