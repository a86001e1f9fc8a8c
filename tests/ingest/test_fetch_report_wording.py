"""The fetch log's lines about a refresh's entries count in words that agree with the number: "1 article page
failed", not "1 article page(s) failed" or "1 entries deferred"."""

import pytest

from newsdesk.ingest.report import RefreshReport
from newsdesk.ingest.services import _page_note


@pytest.mark.parametrize(
    ("counts", "line"),
    [
        ({"pages_failed": 1, "page_errors": ["HTTP 500"]}, "1 article page failed: HTTP 500"),
        ({"pages_failed": 2, "page_errors": ["HTTP 500", "timeout"]}, "2 article pages failed: HTTP 500; timeout"),
        ({"entries_deferred": 1}, "1 entry deferred to later refreshes (30 pages per refresh)"),
        ({"entries_deferred": 3}, "3 entries deferred to later refreshes (30 pages per refresh)"),
        ({"entries_waiting": 1}, "1 failed entry waits for its retry"),
        ({"entries_waiting": 2}, "2 failed entries wait for their retry"),
        ({"items_moved": 1}, "1 stored article found under a new address: moved, not new"),
        ({"items_moved": 2}, "2 stored articles found under a new address: moved, not new"),
    ],
)
def test_each_fetch_log_line_agrees_with_its_count(counts, line):
    assert _page_note(RefreshReport(feed_id=1, **counts), limits="30 pages per refresh") == line
