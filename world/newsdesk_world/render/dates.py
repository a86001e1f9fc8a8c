"""Date formats: machine ones for feeds and headers, and each publisher's human one for its pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime

from ..lexicon import lexicon_for
from ..model import Publisher


def local_time(moment: datetime, publisher: Publisher) -> datetime:
    """The moment in the publisher's (fixed-offset) newsroom time zone."""
    return moment.astimezone(timezone(timedelta(hours=publisher.utc_offset_hours), publisher.tz_label))


def iso_local(moment: datetime, publisher: Publisher) -> str:
    return local_time(moment, publisher).isoformat()


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def rfc822(moment: datetime) -> str:
    """RSS pubDate / HTTP date form, always in GMT."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def human_date(moment: datetime, publisher: Publisher) -> str:
    """The date line a reader sees, in the publisher's own convention."""
    local = local_time(moment, publisher)
    lexicon = lexicon_for(publisher.language)
    month = lexicon.months[local.month - 1]
    if publisher.locale == "en_US":
        hour = local.hour % 12 or 12
        meridiem = "a.m." if local.hour < 12 else "p.m."
        return f"{month} {local.day}, {local.year} {hour}:{local:%M} {meridiem} {publisher.tz_label}"
    if publisher.language == "en":
        weekday = lexicon.weekdays[local.weekday()][:3]
        return f"{weekday} {local.day} {month[:3]} {local.year} {local:%H.%M} {publisher.tz_label}"
    if publisher.language == "fr":
        return f"{local.day} {month} {local.year} à {local:%H}h{local:%M}"
    if publisher.language == "de":
        return f"{local:%d.%m.%Y}, {local:%H:%M} Uhr"
    return f"{local.day} de {month} de {local.year}, {local:%H:%M} {publisher.tz_label}"
