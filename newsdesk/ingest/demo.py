"""The demo: simulated global media on loopback → directory import → one ingest pass → an admin login."""

import json
import logging
import os
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model

from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.images import images_and_stories_step
from newsdesk.ingest.runner import CycleStats, run_cycle
from newsdesk.reader.fetcher import FetchError
from newsdesk.sources.directory import DirectoryError, DirectoryImportResult, directory_import
from newsdesk.sources.models import Feed
from newsdesk.sources.services import feed_url_move, feeds_pause

log = logging.getLogger(__name__)

WORLD_DIRECTORY_FAILED = "the simulated world did not answer at {url}: {reason}"
WORLD_DIRECTORY_NOT_JSON = "{url} is not a publisher directory: {reason}"


class WorldDirectoryError(RuntimeError):
    """The world's directory could not be read or imported; `str()` is one line that names the URL."""


# Beside the secret key, readable by its owner only: the password the demo made up, so a run again on the same data
# dir keeps it (and the admin's two-factor device with it) and prints it again.
DEMO_PASSWORD_FILE = "demo_admin_password"  # noqa: S105 — a file name


@dataclass(frozen=True)
class AdminLogin:
    username: str
    password: str | None  # None when it is not ours to print: the environment's, or one set since the demo's
    origin: str  # "environment", "new", "kept" (this data dir's stored one, printed again) or "unchanged"


def admin_ensure(*, data_dir: Path | None = None) -> AdminLogin:
    """The configured admin user (NEWSDESK_ADMIN_USER / NEWSDESK_ADMIN_PASSWORD). Without a configured password: the
    one a demo stored in `data_dir` (settings.DATA_DIR) while it still signs in; else, when the admin has a password
    of their own (set with changepassword or the admin, or by a demo run before passwords were stored), that one,
    untouched; else a new random one, stored."""
    username = settings.NEWSDESK_ADMIN_USER
    env_password = settings.NEWSDESK_ADMIN_PASSWORD
    stored_at = (data_dir or settings.DATA_DIR) / DEMO_PASSWORD_FILE
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username, defaults={"is_staff": True, "is_superuser": True}
    )
    user.is_staff = user.is_superuser = True
    if env_password:
        user.set_password(env_password)
        user.save()
        return AdminLogin(username=username, password=None, origin="environment")
    stored = stored_at.read_text().strip() if stored_at.is_file() else ""
    if not created and stored and user.check_password(stored):
        user.save()
        return AdminLogin(username=username, password=stored, origin="kept")
    if not created and user.has_usable_password():
        user.save()
        return AdminLogin(username=username, password=None, origin="unchanged")
    password = secrets.token_urlsafe(12)
    _password_store(stored_at, password)
    user.set_password(password)
    user.save()
    return AdminLogin(username=username, password=password, origin="new")


def admin_password_shown(login: AdminLogin) -> str:
    """What the demo prints after "admin login: <user> / ": the password first when it is ours to print."""
    if login.origin == "new":
        return f"{login.password} (new; a demo run again on this data dir keeps it)"
    if login.origin == "kept":
        return f"{login.password} (kept from the last demo run on this data dir)"
    if login.origin == "environment":
        return "(from NEWSDESK_ADMIN_PASSWORD)"
    return f"(unchanged: the password set for it; `newsdesk changepassword {login.username}` sets another)"


def _password_store(path: Path, password: str) -> None:
    """Write `password` to `path` (owner only), replacing the file whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(password + "\n")
    os.replace(draft, path)


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
        data = json.loads(result.body)
        world_feeds_follow(data)
        return directory_import(data=data)
    except (ValueError, DirectoryError) as exc:  # JSONDecodeError is a ValueError
        raise WorldDirectoryError(WORLD_DIRECTORY_NOT_JSON.format(url=url, reason=exc)) from None


def _directory_feed_urls(data: dict) -> dict[str, list[str]]:
    """Publisher slug → the feed URLs the world's directory gives it (primary and extra)."""
    urls: dict[str, list[str]] = {}
    for item in data.get("publishers") or []:
        primary = item.get("primary_feed") or {"url": item.get("primary_feed_url")}
        if item.get("slug") and primary.get("url"):
            urls.setdefault(item["slug"], []).append(primary["url"])
    for extra in data.get("extra_feeds") or []:
        slug = extra.get("publisher") or extra.get("publisher_slug")
        if slug and extra.get("url"):
            urls.setdefault(slug, []).append(extra["url"])
    return urls


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def world_feeds_follow(data: dict) -> int:
    """Move a publisher's feeds to the world's new address: a world started again on other ports (`--world-port 0`)
    serves the same feeds on other origins, and the subscriptions of the last run would otherwise point at dead
    ports and fail on every refresh while new ones are added beside them. A feed of the publisher with the same path
    on another origin is that feed moved (the publisher's articles then follow, see
    articles.services.upsert._article_move). Returns how many feeds moved. A malformed directory is left to
    directory_import to report."""
    if not isinstance(data, dict) or not isinstance(data.get("publishers"), list):
        return 0
    moved = 0
    for slug, urls in _directory_feed_urls(data).items():
        wanted = {_path_of(url): url for url in urls if isinstance(url, str)}
        for feed in Feed.objects.filter(publisher__slug=slug).exclude(url__in=list(wanted.values())):
            new_url = wanted.get(_path_of(feed.url))
            if new_url is not None and feed_url_move(feed=feed, url=new_url):
                log.info("demo feed moved", extra={"feed_id": feed.pk, "url": new_url})
                moved += 1
    return moved


def world_subscribe(directory_url: str) -> DirectoryImportResult:
    """Subscribe to a simulated world that is already running (on loopback), as `newsdesk demo` does, without
    ingesting: the workers fetch its feeds."""
    context = IngestContext.from_settings(allow_loopback=True)
    try:
        return world_directory_load(directory_url, context)
    finally:
        context.close()


DEMO_PUBLISHERS_ONLY = "not one of the publishers this demo ingest was asked for"


def demo_ingest(
    *, directory_url: str, threads: int = 4, on_feed_done=None, publishers: Collection[str] | None = None
) -> tuple[DirectoryImportResult, CycleStats]:
    """Subscribe to the running world and ingest it once, images and stories included. `publishers` (slugs): only
    their feeds are ingested, every other feed is left paused (tests and benchmarks that need a few publishers)."""
    context = IngestContext.from_settings(allow_loopback=True)
    try:
        imported = world_directory_load(directory_url, context)
        if publishers is not None:
            feeds_pause(feeds=Feed.objects.exclude(publisher__slug__in=list(publishers)), reason=DEMO_PUBLISHERS_ONLY)
        stats = run_cycle(context=context, full_pass=True, threads=threads, on_feed_done=on_feed_done)
        images_and_stories_step(options=context.options, limit=None)
    finally:
        context.close()
    return imported, stats
