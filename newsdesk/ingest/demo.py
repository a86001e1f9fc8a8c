"""The demo: simulated global media on loopback → directory import → one ingest pass → an admin login."""

import json
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model

from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.images import images_and_stories_step
from newsdesk.ingest.runner import CycleStats, run_cycle
from newsdesk.reader.fetcher import FetchError
from newsdesk.sources.directory import DirectoryError, DirectoryImportResult, directory_import

WORLD_DIRECTORY_FAILED = "the simulated world did not answer at {url}: {reason}"
WORLD_DIRECTORY_NOT_JSON = "{url} is not a publisher directory: {reason}"


class WorldDirectoryError(RuntimeError):
    """The world's directory could not be read or imported; `str()` is one line that names the URL."""


@dataclass(frozen=True)
class AdminLogin:
    username: str
    password: str | None  # None when it came from the environment (we do not echo secrets we were given)


def admin_ensure() -> AdminLogin:
    """The configured admin user (NEWSDESK_ADMIN_USER / NEWSDESK_ADMIN_PASSWORD), with a fresh random password
    when none is configured."""
    username = settings.NEWSDESK_ADMIN_USER
    env_password = settings.NEWSDESK_ADMIN_PASSWORD
    password = env_password or secrets.token_urlsafe(12)
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=username, defaults={"is_staff": True, "is_superuser": True})
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    return AdminLogin(username=username, password=None if env_password else password)


def world_directory_load(directory_url: str, context: IngestContext) -> DirectoryImportResult:
    """Read /world.json through our own hardened fetcher and import its publishers and feeds, each publisher with
    the display policy the directory gives it. Raises WorldDirectoryError (nothing imported) when that fails."""
    url = directory_url.rstrip("/") + "/world.json"
    try:
        result = context.fetch(url)
    except FetchError as exc:
        raise WorldDirectoryError(WORLD_DIRECTORY_FAILED.format(url=directory_url, reason=exc.describe())) from None
    if result.status != 200:
        raise WorldDirectoryError(WORLD_DIRECTORY_FAILED.format(url=directory_url, reason=f"HTTP {result.status}"))
    try:
        return directory_import(data=json.loads(result.body))
    except (ValueError, DirectoryError) as exc:  # JSONDecodeError is a ValueError
        raise WorldDirectoryError(WORLD_DIRECTORY_NOT_JSON.format(url=url, reason=exc)) from None


def world_subscribe(directory_url: str) -> DirectoryImportResult:
    """Subscribe to a simulated world that is already running (on loopback), as `newsdesk demo` does, without
    ingesting: the workers fetch its feeds."""
    context = IngestContext.from_settings(allow_loopback=True)
    try:
        return world_directory_load(directory_url, context)
    finally:
        context.close()


def demo_ingest(*, directory_url: str, threads: int = 4, on_feed_done=None) -> tuple[DirectoryImportResult, CycleStats]:
    context = IngestContext.from_settings(allow_loopback=True)
    try:
        imported = world_directory_load(directory_url, context)
        stats = run_cycle(context=context, full_pass=True, threads=threads, on_feed_done=on_feed_done)
        images_and_stories_step(options=context.options, limit=None)
    finally:
        context.close()
    return imported, stats
