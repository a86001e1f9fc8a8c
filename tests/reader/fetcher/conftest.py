from __future__ import annotations

import ssl
import threading
from collections.abc import Callable, Iterator

import pytest

from .servers import LocalServer, Route


class StubResolver:
    """A resolver for FetchOptions.resolver: fixed answers per name, every call recorded."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, host: str, port: int) -> list[str]:
        with self._lock:
            self.calls.append(host)
        if host not in self.answers:
            raise OSError(f"stub resolver: no answer for {host}")
        return list(self.answers[host])


@pytest.fixture
def serve() -> Iterator[Callable[..., LocalServer]]:
    """Start LocalServers for the test; all are stopped afterwards."""
    started: list[LocalServer] = []

    def start(routes: dict[str, Route], *, tls: ssl.SSLContext | None = None, bind: str = "127.0.0.1") -> LocalServer:
        server = LocalServer(routes, tls=tls, bind=bind).__enter__()
        started.append(server)
        return server

    yield start
    for server in started:
        server.__exit__(None, None, None)
