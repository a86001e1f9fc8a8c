"""Feed dates in every format publishers use, as timezone-aware UTC datetimes (or None).

RFC 822/2822 (with the usual slips: no weekday, no seconds, named zones, "8:56 pm"), ISO 8601 / W3CDTF
(with single-digit fields, year-month only), "2020/1/10 14:33", then the standard library's RFC 2822
reader (`email.utils.parsedate_tz`, which also takes asctime) for the rest.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_tz

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
    r"(?:[\sT]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:\s*([AaPp]\.?[Mm]\.?))?"
    r"\s*(?:([+-])(\d{2}):?(\d{2})|\(?([A-Za-z]{1,5})\)?)?\s*$"
)
# ISO 8601 / W3CDTF as publishers write it: "-" or "/" between the date fields, which may be one digit,
# month and day optional, "T" or a space before the time, any fraction, "Z" or an offset with or without ":".
_LOOSE_ISO = re.compile(
    r"(\d{4})(?:([-/])(\d{1,2})(?:\2(\d{1,2}))?)?"
    r"(?:[T\s]+(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|[+-]\d{1,2}(?::?\d{2})?)?\s*$",
    re.I,
)
_MERIDIEM = re.compile(r"\b[AaPp]\.?[Mm]\b")
# Longer text is not a date, and the patterns' optional runs of spaces would make it cost quadratic time.
_MAX_DATE_LENGTH = 100
_MIN_YEAR, _MAX_YEAR = 1900, 2200


_MONTHS_EXACT = {name.title(): number for name, number in _MONTHS.items()} | _MONTHS
_DAY = timedelta(days=1)
_UTC_NAMES = frozenset({"GMT", "UTC", "UT", "Z", "+0000", "-0000"})


def parse_date(text: str | None) -> datetime | None:
    """Parse RFC 822/2822, ISO 8601/W3CDTF and their common slips; naive times are taken as UTC."""
    if not text:
        return None
    if text[0].isspace() or text[-1].isspace():
        text = text.strip()
        if not text:
            return None
    if len(text) > _MAX_DATE_LENGTH:
        return None
    size = len(text)
    parsed = _parse_common_rfc822(text) if size == 29 or size == 31 else None
    if parsed is None and text[0].isdigit():
        parsed = _parse_iso(text) or _parse_loose_iso(text)
    if parsed is None:
        parsed = _parse_rfc822(text)
    if parsed is None:
        parsed = _parse_with_email_utils(text)
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
    day, mon, year, hour, minute, second, meridiem, sign, off_h, off_m, zone = match.groups()
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
    hour_n = int(hour or 0)
    if meridiem:
        if not 1 <= hour_n <= 12:
            return None
        hour_n = hour_n % 12 + (12 if meridiem[0] in "Pp" else 0)
    try:
        local = datetime(year_n, month, int(day), hour_n, int(minute or 0), int(second or 0), tzinfo=UTC)
    except ValueError:
        return None
    return local - offset


def _parse_loose_iso(text: str) -> datetime | None:
    match = _LOOSE_ISO.match(text)
    if match is None:
        return None
    year, _, month, day, hour, minute, second, fraction, zone = match.groups()
    microsecond = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        local = datetime(
            int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0), int(second or 0),
            microsecond, tzinfo=UTC,
        )  # fmt: skip
    except ValueError:
        return None
    if not zone or zone.upper() == "Z":
        return local
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours, minutes = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "0")
    offset = timedelta(hours=int(hours), minutes=int(minutes))
    if offset >= _DAY:
        return None
    return local - sign * offset


def _parse_with_email_utils(text: str) -> datetime | None:
    """The standard library's lenient RFC 2822 reader (asctime too); a named zone it does not know is UTC."""
    if _MERIDIEM.search(text):
        return None  # parsedate_tz would drop the "PM" and return the wrong half of the day
    try:
        parts = parsedate_tz(text)
    except (TypeError, ValueError, IndexError):
        return None
    if not parts:
        return None
    *fields, _, _, _, offset = parts
    try:
        local = datetime(*fields[:6], tzinfo=UTC)
    except (ValueError, TypeError, OverflowError):
        return None
    return local - timedelta(seconds=offset or 0)
