from .base import *  # noqa: F403

DEBUG = True
# Local development works before `newsdesk init`; check --deploy flags this key, and prod never falls back to it.
SECRET_KEY = SECRET_KEY or "django-insecure-local-development-only"  # noqa: F405
