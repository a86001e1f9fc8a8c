"""One number that changes whenever what the public may see changes by decision rather than by ingest: a display
policy, a takedown, a reinstatement. Whole-response caches put it in their keys, so such a change reaches every
cached page, feed and API answer at once (old entries are simply never asked for again).

Kept in Django's cache (shared by every process when the cache backend is), so a bump in the worker is seen by
the web processes.
"""

from django.core.cache import cache

CONTENT_VERSION_KEY = "newsdesk:content-version"


def content_version() -> int:
    """The current content version (1 before any change)."""
    return int(cache.get_or_set(CONTENT_VERSION_KEY, 1, timeout=None))


def content_version_bump() -> int:
    """Start a new content version; returns it. Call after every removal or policy change has committed."""
    try:
        return cache.incr(CONTENT_VERSION_KEY)
    except ValueError:  # not set yet (or evicted): start above any version a cache may still hold
        cache.add(CONTENT_VERSION_KEY, 1, timeout=None)
        return cache.incr(CONTENT_VERSION_KEY)
