"""What a refresh needs from the outside world: the hardened fetcher and robots.txt, configured from settings."""

import time
from dataclasses import dataclass, field

from django.conf import settings

from newsdesk.ingest.entries import RefreshLimits
from newsdesk.ingest.extraction import ExtractionPool
from newsdesk.ingest.throttle import host_block_record, host_blocks_current, host_slot_reserve
from newsdesk.reader.extract import ExtractOptions, extract_article
from newsdesk.reader.fetcher import FetchError, FetchOptions, RobotsCache, fetch
from newsdesk.reader.fetcher.politeness import HostGate
from newsdesk.reader.types import ExtractedArticle, FetchResult
from newsdesk.reader.urls import url_origin
from newsdesk.sources.fetching import fetch_options_from_settings


class HostBusy(FetchError):
    """The host told us to back off; the request was not sent. `seconds`: how long the host stays blocked."""

    def __init__(self, message: str, *, seconds: float, url: str = "") -> None:
        super().__init__(message, url=url)
        self.seconds = seconds


HOST_BLOCKED = "host asked us to wait {seconds:.0f}s more (429/503 Retry-After)"
MAX_HOST_BLOCK_S = 6 * 60 * 60
SHARED_BLOCKS_TTL_S = 5.0


class SharedHostBlocks:
    """The 429/503 blocks other workers recorded, read from the database at most every `ttl_s` seconds
    (one query per interval per worker, not one per request)."""

    def __init__(self, *, ttl_s: float = SHARED_BLOCKS_TTL_S, clock=time.monotonic) -> None:
        self._ttl_s, self._clock = ttl_s, clock
        self._until: dict[str, float] = {}
        self._read_at = float("-inf")

    def blocked_for(self, url: str) -> float:
        now = self._clock()
        if now - self._read_at >= self._ttl_s:
            self._until = {origin: now + seconds for origin, seconds in host_blocks_current().items()}
            self._read_at = now
        return max(0.0, self._until.get(url_origin(url), 0.0) - now)


@dataclass
class IngestContext:
    options: FetchOptions
    per_host: int = 2
    limits: RefreshLimits = field(default_factory=RefreshLimits)
    extraction: ExtractionPool | None = None  # None: extract on the refresh thread itself
    robots: RobotsCache = field(init=False)
    gate: HostGate = field(init=False)
    shared_blocks: SharedHostBlocks = field(init=False)

    def __post_init__(self) -> None:
        self.robots = RobotsCache(lambda url: fetch(url, options=self.options))
        self.gate = HostGate(per_host=self.per_host)
        self.shared_blocks = SharedHostBlocks()

    @classmethod
    def from_settings(cls, *, allow_loopback: bool | None = None) -> "IngestContext":
        processes = settings.NEWSDESK_EXTRACT_PROCESSES
        extraction = None
        if processes:
            extraction = ExtractionPool(
                processes=processes, memory_limit_bytes=settings.NEWSDESK_EXTRACT_MEMORY_MB * 1024 * 1024
            )
        return cls(options=fetch_options_from_settings(allow_loopback=allow_loopback), extraction=extraction)

    def extract(self, body: bytes, *, url: str, headers: dict[str, str], options: ExtractOptions) -> ExtractedArticle:
        """extract_article, in the extraction processes when there are some."""
        if self.extraction is None:
            return extract_article(body, url=url, headers=headers, options=options)
        return self.extraction.extract(body, url=url, headers=headers, options=options)

    def close(self) -> None:
        """Stop the extraction processes (a worker calls it on its way out)."""
        if self.extraction is not None:
            self.extraction.close()

    def robots_allowed(self, url: str) -> bool:
        return self.robots.allowed(url, self.options.user_agent)

    def robots_refusal(self, url: str) -> str:
        """Why robots.txt stops us fetching `url` ("" when it does not): a rule, or a robots.txt we could not read."""
        return self.robots.refusal(url, self.options.user_agent)

    def fetch(self, url: str, *, etag: str = "", last_modified: str = "") -> FetchResult:
        """One polite request: waits for the host's slot and crawl delay; honours a host's Retry-After."""
        if waiting := max(self.gate.blocked_for(url), self.shared_blocks.blocked_for(url)):
            raise HostBusy(HOST_BLOCKED.format(seconds=waiting), seconds=waiting, url=url)
        crawl_delay = self.robots.crawl_delay(url, self.options.user_agent)
        with self.gate.slot(url, crawl_delay_s=crawl_delay):
            if crawl_delay:
                # The in-process gate spaces this worker's requests; the database spaces all workers'.
                time.sleep(host_slot_reserve(url=url, interval_s=crawl_delay))
            result = fetch(url, options=self.options, etag=etag, last_modified=last_modified)
        if result.status in (429, 503):
            seconds = min(result.retry_after_s() or 60.0, MAX_HOST_BLOCK_S)
            self.gate.block(url, seconds)
            host_block_record(url=url, seconds=seconds)  # and every other worker, on any host
        return result
