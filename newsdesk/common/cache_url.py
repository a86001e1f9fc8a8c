"""NEWSDESK_CACHE_URL → Django's CACHES["default"]. The settings call this; nothing here reads the environment.

The embedded default is a directory of files under the data dir: every process on the host shares it and no server
is needed. Several hosts share a Redis or memcached server (or the database) instead.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.exceptions import ImproperlyConfigured

CACHE_URL_INVALID = (
    "NEWSDESK_CACHE_URL {url!r} is not a cache URL (file:///dir, redis://host:6379/0, memcached://host:11211, "
    "db://table, locmem://, dummy://)"
)
# The file cache culls a third of its entries past this many (each miss lists the directory, so not much more).
FILE_CACHE_MAX_ENTRIES = 3000


class DataDirFileCache(FileBasedCache):
    """Django's file cache, except that it creates its directory on the first write, not when it is loaded: loading
    settings, checks and commands that refuse to start write nothing into the data dir (`newsdesk init` makes it).
    Reads of a directory that is not there yet find nothing; every write creates it first (FileBasedCache.set)."""

    def __init__(self, dir: str, params: dict) -> None:
        BaseCache.__init__(self, params)
        self._dir = os.path.abspath(dir)


def caches_from_url(url: str, *, data_dir: Path) -> dict:
    """The CACHES["default"] entry `url` names ("" means the file cache under `data_dir`)."""
    url = url.strip()
    if not url:
        return _file_cache(data_dir / "cache")
    parts = urlsplit(url)
    if parts.scheme == "file" and parts.netloc in ("", "localhost") and parts.path.startswith("/"):
        return _file_cache(Path(parts.path))
    if parts.scheme in ("redis", "rediss", "unix") and (parts.netloc or parts.path):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if parts.scheme == "memcached" and parts.netloc:
        return {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache", "LOCATION": parts.netloc}
    if parts.scheme == "db" and parts.netloc:
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": parts.netloc}
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": parts.netloc or "newsdesk"}
    if parts.scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(CACHE_URL_INVALID.format(url=url))


def _file_cache(directory: Path) -> dict:
    return {
        "BACKEND": "newsdesk.common.cache_url.DataDirFileCache",
        "LOCATION": str(directory),
        "OPTIONS": {"MAX_ENTRIES": FILE_CACHE_MAX_ENTRIES},
    }
