"""Structured logs: a fixed event phrase plus key=value fields (`log.info("feed refreshed", extra={...})`)."""

import enum
import logging

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        tail = " ".join(f"{k}={_field_value(v)!r}" for k, v in sorted(fields.items()))
        base = f"{self.formatTime(record)} {record.levelname} {record.name}: {record.getMessage()}"
        return f"{base} {tail}" if tail else base


def _field_value(value: object) -> object:
    """A field as its value: a TextChoices member logs as 'ok', not as its Python name FetchAttempt.Outcome.OK."""
    return value.value if isinstance(value, enum.Enum) else value
