"""What a refresh needs from the outside world: the hardened fetcher and robots.txt, configured from settings."""

from dataclasses import dataclass, field

from django.conf import settings

from newsdesk.reader.fetcher import FetchOptions, RobotsCache, fetch
from newsdesk.reader.types import FetchResult


def fetch_options_from_settings(*, allow_loopback: bool | None = None) -> FetchOptions:
    return FetchOptions(
        timeout_s=settings.NEWSDESK_FETCH_TIMEOUT,
        max_bytes=settings.NEWSDESK_MAX_BYTES,
        user_agent=settings.NEWSDESK_USER_AGENT,
        allow_loopback=settings.NEWSDESK_ALLOW_LOOPBACK if allow_loopback is None else allow_loopback,
    )


@dataclass
class IngestContext:
    options: FetchOptions
    robots: RobotsCache = field(init=False)

    def __post_init__(self) -> None:
        self.robots = RobotsCache(lambda url: fetch(url, options=self.options))

    @classmethod
    def from_settings(cls, *, allow_loopback: bool | None = None) -> "IngestContext":
        return cls(options=fetch_options_from_settings(allow_loopback=allow_loopback))

    def robots_allowed(self, url: str) -> bool:
        return self.robots.allowed(url, self.options.user_agent)

    def fetch(self, url: str, *, etag: str = "", last_modified: str = "") -> FetchResult:
        return fetch(url, options=self.options, etag=etag, last_modified=last_modified)
