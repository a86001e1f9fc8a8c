"""robots.txt per origin (RFC 9309), parsed by protego, cached with a TTL, safe to share between threads.

Status handling follows RFC 9309 section 2.3.1: a 4xx means there are no rules (allow all); a 5xx,
429 or network failure means we cannot know, so everything is disallowed until `error_ttl_s` passes
and we ask again. Too many redirects counts as "unavailable", i.e. allow all (section 2.3.1.2).

`refusal` says why a URL may not be fetched in words that tell the cases apart: a rule of the site, a robots.txt
the SSRF guard would not let us fetch (e.g. one redirecting to a private address), or one that failed.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from protego import Protego

from ..types import FetchResult
from .errors import BlockedAddress, BlockedScheme, FetchError, InvalidURL, TooManyRedirects
from .target import parse_target

FetchFn = Callable[[str], FetchResult]

ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309 section 2.5: parse at least the first 500 KiB
_PRODUCT_TOKEN = re.compile(r"[A-Za-z0-9_\-]+")

ROBOTS_DISALLOWS = "robots.txt disallows fetching this URL"
ROBOTS_REFUSED_BY_GUARD = "robots.txt could not be fetched: the SSRF guard refused it ({reason})"
ROBOTS_UNREADABLE = "robots.txt could not be fetched ({reason}), so the site is not fetched for now"
# Refusals of the guard itself, as opposed to a server that failed to answer.
_GUARD_ERRORS = (BlockedAddress, BlockedScheme, InvalidURL)


@dataclass(frozen=True)
class _Entry:
    rules: Protego | None  # None: no usable file, `allow_all` decides everything
    allow_all: bool
    expires_at: float
    unreadable: str = ""  # with allow_all False: why robots.txt could not be read (a ROBOTS_* text)


class RobotsCache:
    """`allowed`, `crawl_delay` and `sitemaps` for any URL, fetching each origin's robots.txt once per TTL.

    `fetch_fn(url) -> FetchResult` is normally `functools.partial(fetch, options=options)`, so
    robots.txt goes through the same SSRF guard, deadline and size cap as everything else.
    """

    def __init__(
        self,
        fetch_fn: FetchFn,
        ttl_s: float = 3600.0,
        *,
        error_ttl_s: float = 300.0,
        max_origins: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch_fn
        self._ttl_s = ttl_s
        self._error_ttl_s = min(error_ttl_s, ttl_s)
        self._max_origins = max_origins
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._origin_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()  # guards the two dicts, never held while fetching

    def allowed(self, url: str, user_agent: str) -> bool:
        """May `user_agent` fetch `url`? Raises InvalidURL/BlockedScheme for URLs no fetch could use."""
        return not self.refusal(url, user_agent)

    def refusal(self, url: str, user_agent: str) -> str:
        """Why `user_agent` may not fetch `url` (one of the ROBOTS_* texts), or "" when it may."""
        entry = self._entry(url)
        if entry.rules is None:
            return "" if entry.allow_all else entry.unreadable
        return "" if entry.rules.can_fetch(url, product_token(user_agent)) else ROBOTS_DISALLOWS

    def crawl_delay(self, url: str, user_agent: str) -> float | None:
        entry = self._entry(url)
        return None if entry.rules is None else entry.rules.crawl_delay(product_token(user_agent))

    def sitemaps(self, url: str) -> list[str]:
        entry = self._entry(url)
        return [] if entry.rules is None else list(entry.rules.sitemaps)

    def _entry(self, url: str) -> _Entry:
        target = parse_target(url)
        origin = target.origin
        with self._lock:
            entry = self._entries.get(origin)
            if entry is not None and entry.expires_at > self._clock():
                return entry
            origin_lock = self._origin_locks.setdefault(origin, threading.Lock())
        # One fetch per origin at a time; other origins are not held up by it.
        with origin_lock:
            with self._lock:
                entry = self._entries.get(origin)
                if entry is not None and entry.expires_at > self._clock():
                    return entry  # another thread refreshed it while we waited
            entry = self._load(origin + "/robots.txt")
            with self._lock:
                self._entries[origin] = entry
                self._forget_expired()
        return entry

    def _load(self, robots_url: str) -> _Entry:
        try:
            result = self._fetch(robots_url)
        except TooManyRedirects:
            return self._allow_all()
        except _GUARD_ERRORS as exc:
            return self._disallow_for_now(ROBOTS_REFUSED_BY_GUARD.format(reason=exc.describe()))
        except FetchError as exc:
            return self._disallow_for_now(ROBOTS_UNREADABLE.format(reason=exc.describe()))
        status = result.status
        if status == 429 or status >= 500:
            return self._disallow_for_now(ROBOTS_UNREADABLE.format(reason=f"HTTP {status}"))
        if 200 <= status < 300:
            text = result.body[:ROBOTS_MAX_BYTES].decode("utf-8-sig", errors="replace")
            return _Entry(rules=Protego.parse(text), allow_all=True, expires_at=self._clock() + self._ttl_s)
        return self._allow_all()  # 4xx, and any other final status: no rules published

    def _allow_all(self) -> _Entry:
        return _Entry(rules=None, allow_all=True, expires_at=self._clock() + self._ttl_s)

    def _disallow_for_now(self, reason: str) -> _Entry:
        return _Entry(rules=None, allow_all=False, expires_at=self._clock() + self._error_ttl_s, unreadable=reason)

    def _forget_expired(self) -> None:
        if len(self._entries) <= self._max_origins:
            return
        now = self._clock()
        for origin in [o for o, e in self._entries.items() if e.expires_at <= now]:
            del self._entries[origin]
            self._origin_locks.pop(origin, None)


def product_token(user_agent: str) -> str:
    """`newsdesk/0.1 (+https://...)` -> `newsdesk`: RFC 9309 matches groups on the product token only."""
    match = _PRODUCT_TOKEN.match(user_agent.strip())
    return match.group() if match else user_agent
