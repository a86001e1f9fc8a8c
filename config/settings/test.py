import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

# A fixed key, so tests need no setup and write nothing; never used outside tests.
SECRET_KEY = "test-only-secret-key-not-for-any-deployment"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
NEWSDESK_ALLOW_LOOPBACK = False
# Tests of the admin sign in with force_login; tests/community turn the staff's TOTP step on where they test it.
NEWSDESK_STAFF_TOTP_REQUIRED = False

# A file, not shared-cache memory: ingestion refreshes feeds on threads, each with its own connection.
# One file per process, so parallel test runs never share it; in the temp dir, so a clean clone needs no data dir.
DATABASES["default"].setdefault("TEST", {})  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"]["NAME"] = str(Path(tempfile.gettempdir()) / f"test-newsdesk-{os.getpid()}.sqlite3")  # noqa: F405

# Stored images go to a per-process temp dir too: tests never write into a data dir.
STORAGES["images"]["OPTIONS"]["location"] = Path(tempfile.gettempdir()) / f"test-newsdesk-images-{os.getpid()}"  # noqa: F405

# One process's memory, emptied before each test (tests/conftest.py). Whole-response caching is off: factories write
# rows without the services' content-version bumps; tests/common/test_response_cache.py turns it on where it tests it.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "newsdesk-tests"}}
RESPONSE_CACHE_ENABLED = False
# Plain static names: a STATIC_ROOT a local `newsdesk serve` collected into must not change the pages tests read.
STATIC_ROOT = None
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# Story assignment by words alone unless a test (or the environment) names a model: the stories tests pin what the
# words decide; tests/stories/test_cluster_model.py and tests/reader/cluster run the default model ("wordllama").
NEWSDESK_CLUSTER_MODEL = NEWSDESK_CLUSTER_MODEL if os.environ.get("NEWSDESK_CLUSTER_MODEL") else ""  # noqa: F405
