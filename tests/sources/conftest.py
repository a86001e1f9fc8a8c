from collections.abc import Callable, Iterator

import pytest

from tests.sources.loopback import LoopbackServer, Reply


@pytest.fixture
def serve() -> Iterator[Callable[[dict[str, Reply]], LoopbackServer]]:
    """Start loopback servers for one test; all are shut down afterwards."""
    started: list[LoopbackServer] = []

    def start(routes: dict[str, Reply]) -> LoopbackServer:
        server = LoopbackServer(routes)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()
