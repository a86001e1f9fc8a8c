"""Rendered pieces of pages (a story card, an article item), cached under a key made of everything they show.

A list page is mostly the same cards as the last time it was rendered: a new article changes one card, not thirty.
So each card is rendered once and kept under a key built from the values it depends on (its row's `updated_at`,
the publisher's display policy, an image key, its flags) plus the template's own source. A change to any of them
makes a new key: nothing is ever invalidated, an old entry is simply never asked for again (and expires).
Because the content decides the key, a process may keep entries in memory without asking the shared cache
whether they are still current; the shared cache (NEWSDESK_CACHE_URL) lets processes and hosts reuse each other's.
"""

import functools
import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import TypeVar

import django
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import get_template

FRAGMENT_KEY_PREFIX = "newsdesk:fragment:"
# Long enough to outlive a busy day's changes of the surrounding page; a lost entry only costs one render.
FRAGMENT_SECONDS = 24 * 3600
LOCAL_FRAGMENTS = 4096

Item = TypeVar("Item")


# This process's most recently used fragments (Django's in-memory LRU). Keys hold the content, so they never go stale.
LOCAL = LocMemCache("newsdesk-fragments", {"TIMEOUT": FRAGMENT_SECONDS, "OPTIONS": {"MAX_ENTRIES": LOCAL_FRAGMENTS}})


@functools.cache
def code_digest(*modules: ModuleType) -> str:
    """A digest of the source of `modules` and of Django's version: fragments rendered by code (not a template) are
    keyed by it, so a new release never reuses what older code rendered into the shared cache."""
    digest = hashlib.blake2b(django.get_version().encode(), digest_size=8)
    for module in modules:
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()


@functools.cache
def template_digest(name: str) -> str:
    """A digest of a template's source: a changed template (a new release) never reuses old fragments."""
    source = get_template(name).template.source
    return hashlib.blake2b(source.encode(), digest_size=8).hexdigest()


def fragment_key(kind: str, parts: tuple) -> str:
    """The cache key of a `kind` fragment showing `parts` (a tuple of plain values: ids, strings, datetimes)."""
    digest = hashlib.blake2b(repr(parts).encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()
    return f"{FRAGMENT_KEY_PREFIX}{kind}:{digest}"


def fragments(
    items: Sequence[Item],
    *,
    key_of: Callable[[Item], str],
    render: Callable[[list[Item]], list[str | None]],
) -> list[str | None]:
    """The fragment of each of `items`, in order: from this process's memory, else the shared cache (one round trip
    for all), else rendered by `render` (called once, with only the items no cache had) and stored in both. `render`
    gives None for an item with nothing to show; so does the result."""
    if not settings.FRAGMENT_CACHE_ENABLED:
        return [html or None for html in render(list(items))]
    keys = [key_of(item) for item in items]
    found = LOCAL.get_many(keys)
    wanted = [key for key in dict.fromkeys(keys) if key not in found]
    if wanted:
        shared = cache.get_many(wanted)
        LOCAL.set_many(shared)
        found.update(shared)
    missing = {key: item for key, item in zip(keys, items, strict=True) if key not in found}
    if missing:
        # None: nothing to show for that item (its row went away meanwhile); nothing is stored for it.
        rendered = {key: html for key, html in zip(missing, render(list(missing.values())), strict=True) if html}
        cache.set_many(rendered, FRAGMENT_SECONDS)
        LOCAL.set_many(rendered)
        found.update(rendered)
    return [found.get(key) for key in keys]


def json_fragment(value: object) -> str:
    """`value` encoded as JsonResponse encodes it (non-ASCII kept): a piece `json_with_fragments` can splice in."""
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


def json_with_fragments(data: dict, *, key: str, items: list[str]) -> str:
    """`json_fragment(data)` with the list under `key` (empty in `data`) made of `items`, each a `json_fragment`:
    the same text as encoding the whole document at once, without decoding what the cache holds encoded."""
    empty = f"{json.dumps(key)}: []"
    # The first match is the key itself: the same text inside a string value would have its quotes escaped.
    head, _, tail = json_fragment(data).partition(empty)
    return f"{head}{json.dumps(key)}: [{', '.join(items)}]{tail}"
