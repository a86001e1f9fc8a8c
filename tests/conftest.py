"""Suite-wide fixtures. Every test runs behind a socket fence: no connection may leave loopback."""

import pytest

from tests.fence import install_socket_fence, socket_fence  # noqa: F401  (fixture re-export)


@pytest.fixture(autouse=True, scope="session")
def loopback_only_fence():
    """Refuse and record any non-loopback destination for the whole run; fail loudly if one was tried."""
    fence = install_socket_fence()
    yield fence
    fence.uninstall()


@pytest.fixture(autouse=True)
def _no_escape(loopback_only_fence, request):
    before = len(loopback_only_fence.refused)
    yield
    escaped = loopback_only_fence.refused[before:]
    # Tests that aim hostile URLs at the fetcher expect refusals; they opt in with this marker.
    if escaped and not request.node.get_closest_marker("fence_refusals_expected"):
        pytest.fail(f"connection attempts left loopback: {escaped}")
