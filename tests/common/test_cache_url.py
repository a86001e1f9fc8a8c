"""NEWSDESK_CACHE_URL → CACHES["default"]: each scheme, and a clear one-line error for anything else."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsdesk.common.cache_url import CACHE_URL_INVALID, caches_from_url

DATA = Path("/srv/newsdesk")


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("", "newsdesk:DataDirFileCache", "/srv/newsdesk/cache"),
        ("file:///var/cache/newsdesk", "newsdesk:DataDirFileCache", "/var/cache/newsdesk"),
        ("redis://cache.internal:6379/1", "redis.RedisCache", "redis://cache.internal:6379/1"),
        ("rediss://user:pw@cache.internal:6380/0", "redis.RedisCache", "rediss://user:pw@cache.internal:6380/0"),
        ("memcached://cache.internal:11211", "memcached.PyMemcacheCache", "cache.internal:11211"),
        ("db://newsdesk_cache", "db.DatabaseCache", "newsdesk_cache"),
        ("locmem://", "locmem.LocMemCache", "newsdesk"),
        ("dummy://", "dummy.DummyCache", None),
    ],
)
def test_each_cache_url_names_its_backend(url, backend, location):
    cache = caches_from_url(url, data_dir=DATA)
    expected = "newsdesk.common.cache_url.DataDirFileCache" if backend.startswith("newsdesk:") else backend
    assert cache["BACKEND"] in (expected, f"django.core.cache.backends.{backend}")
    assert cache.get("LOCATION") == location


@pytest.mark.parametrize("url", ["ftp://x", "file://relative/dir", "memcached://", "db://", "nonsense"])
def test_anything_else_is_refused_in_one_line(url):
    with pytest.raises(ImproperlyConfigured) as refused:
        caches_from_url(url, data_dir=DATA)
    assert str(refused.value) == CACHE_URL_INVALID.format(url=url)


def test_the_file_cache_creates_its_directory_on_the_first_write_only(tmp_path):
    from newsdesk.common.cache_url import DataDirFileCache

    directory = tmp_path / "data" / "cache"
    cache = DataDirFileCache(str(directory), {})
    assert cache.get("absent") is None
    assert not directory.exists()
    assert cache.add("k", 1) is True
    assert directory.is_dir()
    assert cache.get("k") == 1
