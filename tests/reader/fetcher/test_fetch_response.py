"""FetchResult's intent-named helpers: Retry-After, X-Robots-Tag."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsdesk.reader.types import FetchResult

NOW = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)


def _result(status: int = 200, **headers: str) -> FetchResult:
    lowered = {name.replace("_", "-").lower(): value for name, value in headers.items()}
    return FetchResult(url="u", final_url="u", status=status, headers=lowered, body=b"", elapsed_s=0.0)


@pytest.mark.parametrize(
    ("retry_after", "seconds"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("Wed, 25 Nov 2026 12:05:00 GMT", 300.0),
        ("Wed, 25 Nov 2026 11:00:00 GMT", 0.0),  # in the past: no wait
        ("soon", None),
        ("-5", None),
        ("", None),
    ],
)
def test_retry_after_reads_seconds_and_http_dates(retry_after, seconds):
    assert _result(503, retry_after=retry_after).retry_after_s(now=NOW) == seconds


@pytest.mark.parametrize(
    ("x_robots_tag", "noarchive"),
    [
        ("noarchive", True),
        ("NoIndex, NoArchive", True),
        ("noindex, nofollow", False),
        ("otherbot: noarchive", False),
        ("newsdesk: noarchive", True),
        ("googlebot: nofollow, newsdesk: noarchive", True),
        ("unavailable_after: 25 Jun 2010 15:00:00 PST, noarchive", True),
        ("", False),
    ],
)
def test_x_robots_tag_noarchive_applies_when_unscoped_or_scoped_to_us(x_robots_tag, noarchive):
    assert _result(x_robots_tag=x_robots_tag).noarchive is noarchive


def test_robots_directives_lists_what_applies_to_us():
    result = _result(x_robots_tag="noindex, otherbot: nosnippet, newsdesk: noarchive, max-snippet: 20")
    assert result.robots_directives() == frozenset({"noindex", "noarchive", "max-snippet"})
