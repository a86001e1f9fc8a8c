"""Whole-response cache of anonymous GETs of pages, feeds and API answers, with ETag/Last-Modified, 304s and
Cache-Control headers a reverse proxy can micro-cache by.

An entry's key holds the request's scheme, host (API URLs follow it), path and query, and the content versions the
response depends on (newsdesk/common/content_version.py): the hard one, and for one object's own pages (an article,
a story, its comments feed) that object's version too. A hard change (a takedown, a policy, a moderated comment)
bumps one of them and every entry built before it is never asked for again: invalidation is exact and immediate, in
every process sharing the cache. Entries also expire after NEWSDESK_CACHE_SECONDS, because some pages depend on the
clock (the home page ranks by freshness).

An entry also records the version of everything it was rendered under. A soft change (new articles) moves only that
one, and on a busy site every page would then miss at once in every process, a herd of renders on a few cores: so
the first request after a soft change takes a short lock (cache.add) and renders the page again, while every other
request, in any process, gets the entry it replaces (X-Cache: stale) — for as long as that render takes, at most
NEWSDESK_CACHE_STALE_SECONDS.

Signed-in readers (a session cookie), flash messages and Authorization headers bypass the cache, and their answers
are marked `private, no-store`. Only 200 answers without cookies and without a `private`/`no-store` of their own are
stored; a view that renders a CSRF token sets a cookie, so its page is never shared.

The middleware sits above the session and auth middleware: a hit costs one read of the versions and, in a process
that served the entry before, no other cache read (each process keeps its latest entries in memory; their keys hold
the versions, so they are exactly as valid as the shared ones).
"""

import functools
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from newsdesk.common.content_version import content_version_key, content_versions, hard_content_version_key

# URL namespaces whose anonymous GETs are cached whole (the public site and the API).
CACHED_NAMESPACES = frozenset({"site", "api"})
# Routes showing one object: (URL name, model label of the object, URL kwarg holding its pk). Their entries also
# depend on that object's own version, which a change to it alone (a moderated comment) bumps.
SCOPED_ROUTES = {
    "site:article": ("articles.article", "article_id"),
    "api:article_detail": ("articles.article", "article_id"),
    "site:story": ("stories.story", "story_id"),
    "api:story_detail": ("stories.story", "story_id"),
}
# The comments feed of one target: its kwargs name the target's model label and pk.
COMMENTS_FEED = "community:comments_feed"
# Headers every answer gets afresh rather than from the stored entry.
UNSTORED_HEADERS = frozenset({"etag", "last-modified", "cache-control", "date", "expires", "x-cache"})
LOCAL_ENTRIES = 256
# v2: entries carry the version of everything they were rendered under.
RESPONSE_KEY_PREFIX = "newsdesk:response:v2:"
PRIVATE_COOKIES_EXTRA = ("messages",)


@dataclass(frozen=True)
class CachedResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str
    last_modified: int  # epoch seconds
    version: int = 0  # content_version() the answer was rendered under (older: soft-stale)

    @functools.cached_property
    def validated_headers(self) -> list[tuple[str, str]]:
        """The stored headers and the entry's validators, as the WSGI fast path sends them (built once)."""
        return [*self.headers, ("ETag", self.etag), ("Last-Modified", http_date(self.last_modified))]


class _LocalEntries:
    """This process's most recently used entries (LRU), each until its expiry."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[str, tuple[float, CachedResponse]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedResponse | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            if found[0] < time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return found[1]

    def put(self, key: str, entry: CachedResponse, ttl: float) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + ttl, entry)
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


LOCAL = _LocalEntries(LOCAL_ENTRIES)


def version_keys_for(view_name: str, kwargs: dict) -> list[str] | None:
    """The content-version keys a route's answers depend on, everything's first and the hard one next; None for a
    route that is not cached."""
    keys = [content_version_key(), hard_content_version_key()]
    if view_name in SCOPED_ROUTES:
        label, kwarg = SCOPED_ROUTES[view_name]
        keys.append(content_version_key(label, kwargs.get(kwarg)))
    elif view_name == COMMENTS_FEED:
        keys.append(content_version_key(kwargs.get("label"), kwargs.get("pk")))
    elif view_name.split(":", 1)[0] not in CACHED_NAMESPACES:
        return None
    return keys


def is_private(cookies: dict, meta: dict) -> bool:
    """A request of a signed-in reader, or one with a flash message or credentials: never served from the cache."""
    return (
        settings.SESSION_COOKIE_NAME in cookies
        or any(name in cookies for name in PRIVATE_COOKIES_EXTRA)
        or "HTTP_AUTHORIZATION" in meta
    )


def _is_storable(response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    control = response.get("Cache-Control", "").lower()
    return not any(word in control for word in ("private", "no-store", "no-cache"))


def _entry_of(response: HttpResponse, version: int) -> CachedResponse:
    body = response.content
    etag = response.get("ETag") or '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
    headers = tuple((name, value) for name, value in response.items() if name.lower() not in UNSTORED_HEADERS)
    return CachedResponse(response.status_code, headers, body, etag, int(time.time()), version)


def _newest_entry(key: str, current: int) -> CachedResponse | None:
    """The entry under `key`: this process's copy while it is current, else the shared one if that is newer."""
    entry = LOCAL.get(key)
    if entry is None or entry.version < current:
        shared = cache.get(key)
        if shared is not None and (entry is None or shared.version > entry.version):
            entry = shared
            LOCAL.put(key, entry, settings.NEWSDESK_CACHE_SECONDS)
    return entry


def cache_control_public() -> dict[str, int | bool]:
    """What a cacheable answer says to caches: browsers revalidate every time (a 304 is cheap, and a browser cannot
    be told about a takedown); shared caches (nginx's micro-cache) keep it for a few seconds and may serve it stale
    while they fetch the next one."""
    return {
        "public": True,
        "max_age": 0,
        "s_maxage": settings.NEWSDESK_CACHE_PROXY_SECONDS,
        "stale_while_revalidate": settings.NEWSDESK_CACHE_STALE_SECONDS,
    }


def request_scheme(meta: dict) -> str:
    """HttpRequest.scheme from the WSGI environ alone (the WSGI fast path has no request object)."""
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        value = meta.get(header)
        if value is not None:
            return "https" if value.split(",", 1)[0].strip() == secure_value else "http"
    return meta.get("wsgi.url_scheme", "http")


def response_key(meta: dict, versions: list[int]) -> str:
    """The entry key of a request (its WSGI environ, as sent) under the content `versions` it depends on."""
    query = "&".join(sorted(meta.get("QUERY_STRING", "").split("&")))
    # The host as sent (ALLOWED_HOSTS is checked by the view's get_host() on a miss; a hit needs a prior miss).
    host = meta.get("HTTP_HOST") or meta.get("SERVER_NAME", "")
    path = meta.get("SCRIPT_NAME", "") + meta.get("PATH_INFO", "")
    raw = f"{request_scheme(meta)}|{host}|{path}|{query}|{versions}"
    return RESPONSE_KEY_PREFIX + hashlib.blake2b(raw.encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()


@functools.lru_cache(maxsize=4096)
def _version_keys_of_path(path_info: str) -> list[str] | None:
    """version_keys_for() of the route `path_info` resolves to (None: not cached), remembered per path: resolving
    cost more than the rest of a hit."""
    try:
        match = resolve(path_info)
    except Resolver404:
        return None
    return version_keys_for(match.view_name, match.kwargs)


class ResponseCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        version_keys = self._version_keys(request)
        if version_keys is None:
            return self.get_response(request)
        if is_private(request.COOKIES, request.META):
            return self._private(self.get_response(request))
        current, *versions = content_versions(version_keys)
        key = self._key(request, versions)
        entry = _newest_entry(key, current)
        render_lock = None
        if entry is not None:
            if entry.version >= current:
                return self._answer(request, entry, "hit")
            # Soft-stale (a hard change would have changed the key): one request renders, the others get this.
            render_lock = f"{key}:render:{current}"
            if not cache.add(render_lock, 1, timeout=settings.NEWSDESK_CACHE_STALE_SECONDS):
                return self._answer(request, entry, "stale")
        try:
            return self._render(request, key, current)
        finally:
            if render_lock is not None:
                # Released once stored: should an older render overwrite this one, the next request renders again.
                cache.delete(render_lock)

    def _render(self, request: HttpRequest, key: str, version: int) -> HttpResponse:
        response = self.get_response(request)
        if not _is_storable(response):
            user = getattr(request, "user", None)
            return self._private(response) if user is not None and user.is_authenticated else response
        entry = _entry_of(response, version)
        cache.set(key, entry, settings.NEWSDESK_CACHE_SECONDS)
        LOCAL.put(key, entry, settings.NEWSDESK_CACHE_SECONDS)
        return self._answer(request, entry, "miss")

    @staticmethod
    def _version_keys(request: HttpRequest) -> list[str] | None:
        if request.method not in ("GET", "HEAD") or not settings.RESPONSE_CACHE_ENABLED:
            return None
        return _version_keys_of_path(request.path_info)

    @staticmethod
    def _key(request: HttpRequest, versions: list[int]) -> str:
        return response_key(request.META, versions)

    @staticmethod
    def _private(response: HttpResponse) -> HttpResponse:
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response

    @staticmethod
    def _answer(request: HttpRequest, entry: CachedResponse, state: str) -> HttpResponse:
        response = HttpResponse(entry.body, status=entry.status)
        for name, value in entry.headers:
            response[name] = value
        response["ETag"] = entry.etag
        response["Last-Modified"] = http_date(entry.last_modified)
        patch_cache_control(response, **cache_control_public())
        response["X-Cache"] = state
        return get_conditional_response(request, etag=entry.etag, last_modified=entry.last_modified, response=response)
