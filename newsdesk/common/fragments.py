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
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import TypeVar

import django
from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import get_template

FRAGMENT_KEY_PREFIX = "newsdesk:fragment:"
# Long enough to outlive a busy day's changes of the surrounding page; a lost entry only costs one render.
FRAGMENT_SECONDS = 24 * 3600
# What this process keeps in memory, in characters of fragments (plus a share for each key): about 64 MB. The demo
# site's every card, item and row in every format is some 6 MB; a site showing 20,000 recent articles in feeds,
# lists and the API fits too. Past it the least recently used go, and come back from the shared cache.
LOCAL_FRAGMENT_CHARS = 64 * 1024 * 1024
KEY_CHARS = 1024  # what a tuple of some 25 values in a key costs in memory, counted against the budget

Item = TypeVar("Item")
# A fragment's identity: its kind and the plain values it shows (fragment_key makes the shared cache's key of it).
Identity = tuple[str, tuple]


class LocalFragments:
    """This process's most recently used fragments by identity, at most `budget` characters in all. A dictionary
    lookup per item: no key digest, no pickling (the shared cache needs both; a hit here needs neither). Keys hold
    the content, so entries never go stale; they are only pushed out."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._entries: OrderedDict[Identity, str] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def get_many(self, identities: Sequence[Identity]) -> dict[Identity, str]:
        found = {}
        with self._lock:
            for identity in identities:
                text = self._entries.get(identity)
                if text is not None:
                    self._entries.move_to_end(identity)
                    found[identity] = text
        return found

    def set_many(self, texts: dict[Identity, str]) -> None:
        with self._lock:
            for identity, text in texts.items():
                old = self._entries.pop(identity, None)
                if old is not None:
                    self._chars -= _cost(identity, old)
                self._entries[identity] = text
                self._chars += _cost(identity, text)
            while self._chars > self.budget and self._entries:
                gone = self._entries.popitem(last=False)
                self._chars -= _cost(*gone)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._chars = 0

    def __len__(self) -> int:
        return len(self._entries)


def _cost(identity: Identity, text: str) -> int:
    """What an entry holds in memory, roughly: its text and KEY_CHARS for each tuple of values in its identity (a
    page's content is keyed by all of its cards' keys)."""
    return len(text) + KEY_CHARS * _tuples(identity)


def _tuples(value: tuple) -> int:
    return 1 + sum(_tuples(part) for part in value if isinstance(part, tuple))


LOCAL = LocalFragments(LOCAL_FRAGMENT_CHARS)


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
    key_of: Callable[[Item], Identity],
    render: Callable[[list[Item]], list[str | None]],
) -> list[str | None]:
    """The fragment of each of `items` (`key_of` gives its identity: kind and the values it shows), in order: from
    this process's memory, else the shared cache (one round trip for all), else rendered by `render` (called once,
    with only the items no cache had) and stored in both. `render` gives None for an item with nothing to show; so
    does the result."""
    if not settings.FRAGMENT_CACHE_ENABLED:
        return [html or None for html in render(list(items))]
    identities = [key_of(item) for item in items]
    found = LOCAL.get_many(identities)
    wanted = {identity: fragment_key(*identity) for identity in dict.fromkeys(identities) if identity not in found}
    if wanted:
        shared = cache.get_many(list(wanted.values()))
        if shared:
            from_shared = {identity: shared[key] for identity, key in wanted.items() if key in shared}
            LOCAL.set_many(from_shared)
            found.update(from_shared)
    missing = {identity: item for identity, item in zip(identities, items, strict=True) if identity not in found}
    if missing:
        # None: nothing to show for that item (its row went away meanwhile); nothing is stored for it.
        rendered = {
            identity: html for identity, html in zip(missing, render(list(missing.values())), strict=True) if html
        }
        cache.set_many({wanted[identity]: html for identity, html in rendered.items()}, FRAGMENT_SECONDS)
        LOCAL.set_many(rendered)
        found.update(rendered)
    return [found.get(identity) for identity in identities]


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
