"""Issue 10: log fields are values an operator can grep for, not Python enum names."""

import logging

from newsdesk.common.logging import KeyValueFormatter
from newsdesk.ingest.models import FetchAttempt


def _formatted(**fields: object) -> str:
    record = logging.makeLogRecord({"name": "newsdesk.ingest", "levelname": "INFO", "msg": "feed refreshed"})
    record.__dict__.update(fields)
    return KeyValueFormatter().format(record)


def test_a_choices_field_is_logged_as_its_value():
    line = _formatted(outcome=FetchAttempt.Outcome.NOT_MODIFIED, feed_id=7)

    assert line.endswith("feed refreshed feed_id=7 outcome='not_modified'")
    assert "Outcome" not in line


def test_plain_fields_keep_their_form():
    assert _formatted(status=None, error="HTTP 500").endswith("feed refreshed error='HTTP 500' status=None")
