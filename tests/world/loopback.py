"""Loopback HTTP for the world tests: a GET that returns error statuses instead of raising."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime

ANCHOR = datetime(2025, 3, 10, tzinfo=UTC)
SLOW_DELAY_S = 0.3


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(url: str, headers: dict[str, str] | None = None, timeout: float = 5.0) -> Response:
    """GET a loopback URL, returning error statuses instead of raising."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Response(response.status, dict(response.headers), response.read(), response.url)
    except urllib.error.HTTPError as error:
        return Response(error.code, dict(error.headers), error.read(), url)
