"""Feed dates in every format publishers use, as timezone-aware UTC datetimes (or None)."""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime, timedelta

from feedparser.datetimes import _parse_date as _feedparser_parse_date

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_ZONES = {
    "GMT": 0, "UT": 0, "UTC": 0, "Z": 0,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "CET": 1, "CEST": 2, "BST": 1, "IST": 5.5, "JST": 9, "AEST": 10, "AEDT": 11,
}  # fmt: skip
_RFC822 = re.compile(
    r"\s*(?:[A-Za-z]{2,9}\.?,?\s*)?(\d{1,2})[\s-]+([A-Za-z]{3})[A-Za-z]*\.?[\s-]+(\d{2,4})"
    r"(?:[\sT]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(?:([+-])(\d{2}):?(\d{2})|\(?([A-Za-z]{1,5})\)?)?\s*$"
)
_MIN_YEAR, _MAX_YEAR = 1900, 2200


_MONTHS_EXACT = {name.title(): number for name, number in _MONTHS.items()} | _MONTHS
_DAY = timedelta(days=1)
_UTC_NAMES = frozenset({"GMT", "UTC", "UT", "Z", "+0000", "-0000"})


def parse_date(text: str | None) -> datetime | None:
    """Parse RFC 822, ISO 8601/W3DTF and the odd formats feedparser knows; naive times are taken as UTC."""
    if not text:
        return None
    if text[0].isspace() or text[-1].isspace():
        text = text.strip()
        if not text:
            return None
    size = len(text)
    parsed = _parse_common_rfc822(text) if size == 29 or size == 31 else None
    if parsed is None and text[0].isdigit():
        parsed = _parse_iso(text)
    if parsed is None:
        parsed = _parse_rfc822(text)
    if parsed is None:
        parsed = _parse_with_feedparser(text)
    if parsed is None or not _MIN_YEAR <= parsed.year <= _MAX_YEAR:
        return None
    return parsed


def _parse_common_rfc822(text: str) -> datetime | None:
    """Fast path for the one format most RSS feeds use: 'Tue, 05 Mar 2024 14:30:00 +0100' (or 'GMT')."""
    if text[3:5] != ", " or text[19] != ":" or text[22] != ":" or text[25] != " ":
        return None
    month = _MONTHS_EXACT.get(text[8:11])
    if month is None:
        month = _MONTHS.get(text[8:11].lower())
        if month is None:
            return None
    zone = text[26:]
    if zone in _UTC_NAMES:
        offset = None
    else:
        offset = _fixed_offset(zone)
        if offset is None:
            return None
    try:
        value = datetime(
            int(text[12:16]), month, int(text[5:7]), int(text[17:19]), int(text[20:22]), int(text[23:25]), tzinfo=UTC
        )
        # Same instant as building it in its own zone and converting: the offset subtracted from the wall
        # time read as UTC, without a timezone object and an astimezone() per date.
        return value if offset is None else value - offset
    except (ValueError, OverflowError):
        return None


@functools.lru_cache(maxsize=256)
def _fixed_offset(zone: str) -> timedelta | None:
    if len(zone) == 5 and zone[0] in "+-" and zone[1:].isdigit():
        offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5]))
        if offset >= _DAY:
            return None  # not a UTC offset (datetime.timezone refuses it too)
        return -offset if zone[0] == "-" else offset
    return None


def _parse_iso(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text)  # 3.11: "Z", any date/time separator, basic format
    except ValueError:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value if value.tzinfo is UTC else value.astimezone(UTC)


def _parse_rfc822(text: str) -> datetime | None:
    match = _RFC822.match(text)
    if match is None:
        return None
    day, mon, year, hour, minute, second, sign, off_h, off_m, zone = match.groups()
    month = _MONTHS.get(mon.lower())
    if month is None:
        return None
    year_n = int(year)
    if len(year) == 2:
        year_n += 2000 if year_n < 70 else 1900
    offset = timedelta(0)
    if sign:
        offset = timedelta(hours=int(off_h), minutes=int(off_m)) * (-1 if sign == "-" else 1)
    elif zone:
        hours = _ZONES.get(zone.upper())
        if hours is None and len(zone) > 1:
            return None  # an unknown zone name: let the fallback decide rather than guess
        offset = timedelta(hours=hours or 0)
    try:
        local = datetime(year_n, month, int(day), int(hour or 0), int(minute or 0), int(second or 0), tzinfo=UTC)
    except ValueError:
        return None
    return local - offset


def _parse_with_feedparser(text: str) -> datetime | None:
    try:
        parts = _feedparser_parse_date(text)
    except Exception:  # its regional handlers raise anything on odd input; "no date" is the answer
        return None
    if not parts:
        return None
    try:
        return datetime(*parts[:6], tzinfo=UTC)
    except (ValueError, TypeError):
        return None
