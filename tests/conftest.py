"""Suite-wide fixtures and hooks. Every test runs behind a socket fence: no connection may leave loopback.
Under CI a skip is a failure (tests/ci.py), and the PostgreSQL pass proves it runs on PostgreSQL."""

import dataclasses
import signal
import subprocess
from pathlib import Path

import pytest

from newsdesk_world.generator import generate_world
from newsdesk_world.render.site import PublisherSite
from newsdesk_world.server import serve_world
from tests.ci import (  # the two pytest_ hooks are used by pytest through this import (tests/ci.py)
    postgres_required,
    pytest_make_collect_report,  # noqa: F401
    pytest_runtest_makereport,  # noqa: F401
)
from tests.fence import install_socket_fence, socket_fence  # noqa: F401  (fixture re-export)
from tests.postgres.subprocess_db import REPO, child_env, python_argv

pytest_plugins = ["pytester"]  # tests/test_ci_skips.py runs inner pytest sessions

# Django 5.2 supports PostgreSQL 14 and later.
MIN_POSTGRES_VERSION = 140000

# `make test` runs its passes as background jobs (scripts/run-passes.sh), and a shell starts a background job with
# SIGINT ignored; every process the tests start would inherit that, so a child stopped with Ctrl-C (SIGINT) would run
# on forever. Python's own handler here means the children start with the default action again.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True, scope="session")
def loopback_only_fence():
    """Refuse and record any non-loopback destination for the whole run; fail loudly if one was tried."""
    fence = install_socket_fence()
    yield fence
    fence.uninstall()


@pytest.fixture(autouse=True, scope="session")
def postgres_pass_runs_on_postgres(request):
    """When the run is meant for PostgreSQL, prove the tests' database really is a PostgreSQL server.

    Without this, a typo in the URL or a settings change could let the "PostgreSQL pass" quietly run on SQLite.
    """
    if not postgres_required():
        return None
    from django.db import connection

    request.getfixturevalue("django_db_setup")
    with request.getfixturevalue("django_db_blocker").unblock():
        connection.ensure_connection()
        assert connection.vendor == "postgresql", f"the PostgreSQL pass is connected to {connection.vendor}"
        assert connection.pg_version >= MIN_POSTGRES_VERSION, f"PostgreSQL server {connection.pg_version} too old"
        return connection.pg_version


@pytest.fixture(autouse=True, scope="session")
def postgres_flush_deletes():
    """On PostgreSQL the flush after each transactional test (and `flush` in tests) deletes the rows instead of
    TRUNCATE: one TRUNCATE of every table gives each of them new files, ~0.3-0.8 s on the server per test, where
    deleting the few rows a test wrote costs milliseconds. The tables end up as empty either way; sequence resets and
    cascades keep Django's own statement."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, checked when the flush's transaction commits.
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = truncate


@pytest.fixture(autouse=True, scope="session")
def transactional_flush_keeps_content_types():
    """After each transactional test, flush every table but the content types and permissions, and skip the
    post_migrate that would make them again, while they are still exactly as the last full flush left them
    (tests/transactional_flush.py): ~0.3 s less per transactional test. Yields the CheapFlush (its counts)."""
    from tests.transactional_flush import CheapFlush

    flush = CheapFlush()
    flush.install()
    yield flush
    flush.uninstall()


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with an empty cache (content versions and cached responses live there; this thread's
    document frequencies, of a database that was rolled back or flushed since)."""
    from django.core.cache import cache

    from newsdesk.common import fragments
    from newsdesk.common.response_cache import LOCAL
    from newsdesk.stories.frequencies import frequencies_cache_clear

    cache.clear()
    LOCAL.clear()
    fragments.LOCAL.clear()
    frequencies_cache_clear()


@pytest.fixture(autouse=True)
def _no_escape(loopback_only_fence, request):
    before = len(loopback_only_fence.refused)
    yield
    escaped = loopback_only_fence.refused[before:]
    # Tests that aim hostile URLs at the fetcher expect refusals; they opt in with this marker.
    if escaped and not request.node.get_closest_marker("fence_refusals_expected"):
        pytest.fail(f"connection attempts left loopback: {escaped}")


# Slows a worker down enough that tests can stop, kill or fault it mid-batch (the world's pages answer in ~1 ms).
PACED_WORLD_DELAY_S = 0.05


@pytest.fixture
def paced_world(monkeypatch, request):
    """The simulated world on loopback; `pace["delay_s"]` delays every publisher response while it is set.

    The delay starts at PACED_WORLD_DELAY_S; a test picks another with
    `@pytest.mark.parametrize("paced_world", [seconds], indirect=True)` or sets `pace["delay_s"]` as it goes.
    """
    pace = {"delay_s": getattr(request, "param", PACED_WORLD_DELAY_S)}
    resolve = PublisherSite.resolve

    def paced_resolve(self, path):
        resource = resolve(self, path)
        return dataclasses.replace(resource, delay_s=max(resource.delay_s, pace["delay_s"]))

    monkeypatch.setattr(PublisherSite, "resolve", paced_resolve)
    server = serve_world(generate_world(seed=23, slow_delay_s=0.2))
    yield server, pace
    server.stop()


@pytest.fixture
def start_process(tmp_path):
    """Start `python -m newsdesk <args>` on this test's database; any still running at the end are killed.
    `measured=False`: without coverage (tests/postgres/subprocess_db.child_env)."""
    started: list[subprocess.Popen] = []

    def start(name: str, *args: str, measured: bool = True) -> tuple[subprocess.Popen, Path]:
        log = tmp_path / f"{name}.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                python_argv("-m", "newsdesk", *args),
                cwd=REPO,
                env=child_env(measured=measured),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        started.append(process)
        return process, log

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def world11_ingested(django_db_setup, django_db_blocker):
    """World 11 served for the whole run and ingested once as `newsdesk demo` does (tests/ingest/test_end_to_end.py
    and tests/backup/test_demo_world.py start from it): (server, demo_ingest's result, a DatabaseSnapshot of that
    database). The database itself is emptied again at once; a test restores the snapshot, and empties it after."""
    from django.core.management import call_command

    from newsdesk.ingest.demo import demo_ingest
    from tests.db_snapshot import DatabaseSnapshot

    server = serve_world(generate_world(seed=11, slow_delay_s=0.5))
    try:
        with django_db_blocker.unblock():
            result = demo_ingest(directory_url=server.base_url)
            snapshot = DatabaseSnapshot()
            call_command("flush", interactive=False, verbosity=0)
        yield server, result, snapshot
        with django_db_blocker.unblock():
            snapshot.drop()
    finally:
        server.stop()
