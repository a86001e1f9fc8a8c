"""Version numbers that change whenever what the public may see changes. Whole-response caches put them in their
keys (newsdesk/common/response_cache.py), so a change reaches every cached page, feed and API answer at once: old
entries are simply never asked for again.

- `content_version()` / `content_version_bump()`: everything (a display policy, a takedown, a restore). Every
  cached response depends on it.
- `content_version_bump(soft=True)`: news only (a batch of new or updated articles, their stories, their images).
  It moves `content_version()` too, but not `hard_content_version_key()`: a whole-response cache may go on serving
  what it stored before a soft change for the few seconds one process takes to render the page again (stale while
  revalidate), never past a hard change. A change that hides or removes something a reader saw (a takedown, a
  policy, a deletion, a moderated comment) is never soft.
- `content_version("articles.article", 5)` / `content_version_bump("articles.article", 5)`: one object's own pages
  (its page, its API detail, its comments feed), e.g. after a comment on it was moderated. The rest of the cache
  stays valid.

Kept in Django's cache, shared by every process (and host, with a Redis or memcached NEWSDESK_CACHE_URL), so a bump
in the worker is seen by the web processes. Versions are never reused: a bump (and the first read of a version the
cache has lost, evicted or never had) takes the current time in nanoseconds when that is larger than the old value
plus one. So two processes bumping at once still end on a value no cached entry was stored under, and a version the
cache evicted comes back higher than any it replaced (everything is recomputed, nothing stale is served).
"""

import time

from django.core.cache import cache
from django.db import transaction

CONTENT_VERSION_KEY = "newsdesk:content-version"
HARD_SCOPE = "hard"


def content_version_key(scope: str | None = None, key: object = None) -> str:
    """The cache key holding the version of `scope`/`key` (the global one without a scope)."""
    return CONTENT_VERSION_KEY if scope is None else f"{CONTENT_VERSION_KEY}:{scope}:{key}"


def hard_content_version_key() -> str:
    """The cache key of the version only hard changes move (every content_version_bump() but soft ones)."""
    return f"{CONTENT_VERSION_KEY}:{HARD_SCOPE}"


def _fresh_version(after: int = 0) -> int:
    return max(after + 1, time.time_ns())


def content_versions(keys: list[str]) -> list[int]:
    """The versions under `keys` (from content_version_key) in one cache round trip; missing ones are started."""
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    for key in missing:
        # add(): of several processes starting the same version at once, the first one's value stands for all.
        cache.add(key, _fresh_version(), timeout=None)
    if missing:
        found.update(cache.get_many(missing))
    return [int(found.get(key, 0)) for key in keys]


def content_version(scope: str | None = None, key: object = None) -> int:
    """The current version of everything, or of one object's pages (`scope` a model label, `key` its pk)."""
    return content_versions([content_version_key(scope, key)])[0]


def content_version_bump(scope: str | None = None, key: object = None, *, soft: bool = False) -> int:
    """Start a new version of everything (no arguments) or of one object's pages; returns it. `soft`: the change
    only adds or updates news (see the module's docstring); it bumps everything's version but not the hard one.

    Called inside a transaction, it bumps now and once more when the transaction commits: a page rendered in
    between (still showing the old state) was cached under the first new version, which the second one retires."""
    if soft and scope is not None:
        raise ValueError("only the version of everything has a soft form")
    keys = [content_version_key(scope, key)]
    if scope is None and not soft:
        keys.insert(0, hard_content_version_key())
    version = _bump(keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump(keys))
    return version


def _bump(version_keys: list[str]) -> int:
    """Bump each key in turn; returns the last one's new version. A hard bump moves the hard key first: a reader
    who sees everything's new version then also sees the new hard one, so nothing stored before a hard change is
    ever taken for merely soft-stale."""
    version = 0
    for version_key in version_keys:
        version = _fresh_version(int(cache.get(version_key) or 0))
        cache.set(version_key, version, timeout=None)
    return version
