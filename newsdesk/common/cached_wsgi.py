"""The whole-response cache's hit path as a WSGI wrapper around Django's handler (config/wsgi.py): an anonymous GET
whose entry is current is answered from the process's memory before Django builds a request, runs its middleware or
sends its signals. A hit there costs a read of the content versions and a few dict lookups, about half of what the
same hit costs in ResponseCacheMiddleware.

Anything else goes to Django, where ResponseCacheMiddleware decides as before: conditional requests (it answers
304s), HEAD, a stale entry (one process renders it again), a miss, signed-in readers (a session or messages cookie,
an Authorization header), and every path outside the cached routes. Both compute the same key from the same WSGI environ
(response_cache.response_key), so an entry stored by the middleware is found here.
"""

import functools
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.handlers.wsgi import get_path_info
from django.http import HttpResponse
from django.http.cookie import parse_cookie
from django.utils.cache import patch_cache_control

from newsdesk.common.content_version import content_versions
from newsdesk.common.response_cache import (
    CachedResponse,
    _newest_entry,
    _version_keys_of_path,
    cache_control_public,
    is_private,
    response_key,
)

CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")


def fresh_entry(meta: dict) -> CachedResponse | None:
    """The current cached answer to this anonymous, unconditional GET; None when Django must decide."""
    if meta.get("REQUEST_METHOD") != "GET" or not settings.RESPONSE_CACHE_ENABLED:
        return None
    if any(header in meta for header in CONDITIONAL_HEADERS):
        return None
    cookie = meta.get("HTTP_COOKIE")
    if is_private(parse_cookie(cookie) if cookie else {}, meta):
        return None
    version_keys = _version_keys_of_path(get_path_info(meta))
    if version_keys is None:
        return None
    current, *versions = content_versions(version_keys)
    entry = _newest_entry(response_key(meta, versions), current)
    return entry if entry is not None and entry.version >= current else None


@functools.lru_cache(maxsize=16)
def _cache_control(proxy_seconds: int, stale_seconds: int) -> str:
    response = HttpResponse()
    patch_cache_control(response, **cache_control_public())
    return response["Cache-Control"]


class CachedHitApplication:
    """WSGI: a current cached answer straight from memory, everything else from `application`."""

    def __init__(self, application: Callable) -> None:
        self.application = application

    def __call__(self, meta: dict, start_response: Callable) -> Iterable[bytes]:
        entry = fresh_entry(meta)
        if entry is None:
            return self.application(meta, start_response)
        control = _cache_control(settings.NEWSDESK_CACHE_PROXY_SECONDS, settings.NEWSDESK_CACHE_STALE_SECONDS)
        headers = [*entry.validated_headers, ("Cache-Control", control), ("X-Cache", "hit")]
        start_response(_status_line(entry.status), headers)
        return [entry.body]


@functools.lru_cache(maxsize=64)
def _status_line(status: int) -> str:
    return f"{status} {HttpResponse(status=status).reason_phrase}"
