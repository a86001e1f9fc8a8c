import os

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
NEWSDESK_ALLOW_LOOPBACK = False

# A file, not shared-cache memory: ingestion refreshes feeds on threads, each with its own connection.
# One file per process, so parallel test runs in one checkout never share it.
DATABASES["default"].setdefault("TEST", {})  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"]["NAME"] = str(DATA_DIR / f"test-newsdesk-{os.getpid()}.sqlite3")  # noqa: F405
