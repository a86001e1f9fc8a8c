"""Suite-wide fixtures and hooks. Every test runs behind a socket fence: no connection may leave loopback.
Under CI a skip is a failure (tests/ci.py), and the PostgreSQL pass proves it runs on PostgreSQL."""

import pytest

from tests.ci import (  # the two pytest_ hooks are used by pytest through this import (tests/ci.py)
    postgres_required,
    pytest_make_collect_report,  # noqa: F401
    pytest_runtest_makereport,  # noqa: F401
)
from tests.fence import install_socket_fence, socket_fence  # noqa: F401  (fixture re-export)

pytest_plugins = ["pytester"]  # tests/test_ci_skips.py runs inner pytest sessions

# Django 5.2 supports PostgreSQL 14 and later.
MIN_POSTGRES_VERSION = 140000


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


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with an empty cache (content versions and cached responses live there)."""
    from django.core.cache import cache

    from newsdesk.common import fragments
    from newsdesk.common.response_cache import LOCAL

    cache.clear()
    LOCAL.clear()
    fragments.LOCAL.clear()


@pytest.fixture(autouse=True)
def _no_escape(loopback_only_fence, request):
    before = len(loopback_only_fence.refused)
    yield
    escaped = loopback_only_fence.refused[before:]
    # Tests that aim hostile URLs at the fetcher expect refusals; they opt in with this marker.
    if escaped and not request.node.get_closest_marker("fence_refusals_expected"):
        pytest.fail(f"connection attempts left loopback: {escaped}")
