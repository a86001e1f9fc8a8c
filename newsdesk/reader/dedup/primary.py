"""Which copy of a wire text to credit as the primary source, by the signals an editor uses.

In order: a copy the other copies' canonical (or og:url) links point at is the original they republished; a copy
published by the credited agency itself is the original; a copy whose own canonical points at another site
admits it is a republication; otherwise the earliest published copy wins (ties: the one stored first).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from newsdesk.reader.urls import site_key, url_origin

# Hosts of the agencies `wire.detect_wire_credit` names: a copy on one of them is the agency's own release.
AGENCY_HOSTS = {
    "AFP": ("afp.com",),
    "Reuters": ("reuters.com",),
    "AP": ("apnews.com", "ap.org"),
    "dpa": ("dpa.com", "dpa-international.com"),
    "EFE": ("efe.com",),
    "ANSA": ("ansa.it",),
}


@dataclass(frozen=True)
class CopyFacts:
    """What we know of one copy: `key` identifies it to the caller (an article id)."""

    key: Hashable
    url: str  # where we found it
    canonical_url: str = ""  # its declared canonical / og:url
    published_at: datetime | None = None
    wire_credit: str = ""  # canonical agency name, "" for none
    publisher_name: str = ""
    order: int = 0  # storage order, the last tie-breaker


@dataclass(frozen=True)
class PrimaryChoice:
    primary: Hashable
    reasons: tuple[str, ...]


@lru_cache(maxsize=65536)
def _site_facts(url: str) -> tuple[str, str]:
    """The origin and the site key (host and port, no leading `www.`) of a URL, parsed once: a group refresh sees
    every copy's URLs again for each new copy."""
    return url_origin(url), site_key(url)


def _is_agency_copy(copy: CopyFacts) -> bool:
    if not copy.wire_credit:
        return False
    host = _site_facts(copy.url)[0].partition("://")[2].split(":")[0]
    hosts = AGENCY_HOSTS.get(copy.wire_credit, ())
    on_agency_host = any(host == h or host.endswith("." + h) for h in hosts)
    return on_agency_host or copy.publisher_name.strip().casefold() == copy.wire_credit.casefold()


def _points_elsewhere(copy: CopyFacts) -> bool:
    """Whether its own canonical names another site (`same_site` on the parsed keys)."""
    if not copy.canonical_url:
        return False
    origin, key = _site_facts(copy.canonical_url)
    return bool(origin) and not (bool(key) and key == _site_facts(copy.url)[1])


def _canonical_votes(copies: Sequence[CopyFacts], elsewhere: Sequence[bool]) -> list[int]:
    """For each copy, how many other copies' canonicals point at its site: one count per site, then a look-up per
    copy (a copy never votes for itself: its canonical names another site than its own)."""
    votes = Counter(
        key
        for copy, away in zip(copies, elsewhere, strict=True)
        if away and (key := _site_facts(copy.canonical_url)[1])
    )
    return [votes[key] if (key := _site_facts(copy.url)[1]) else 0 for copy in copies]


def choose_primary(copies: Sequence[CopyFacts]) -> PrimaryChoice:
    """The copy to credit and the reasons, most decisive first. `copies` must not be empty. Linear in the copies:
    a wire text carried by thousands of outlets is re-judged for every new copy."""
    if not copies:
        raise ValueError("choose_primary needs at least one copy")
    never = datetime.max.replace(tzinfo=None)

    def published(copy: CopyFacts) -> datetime:
        return copy.published_at.replace(tzinfo=None) if copy.published_at else never

    elsewhere = [_points_elsewhere(copy) for copy in copies]
    votes = _canonical_votes(copies, elsewhere)
    agency = [_is_agency_copy(copy) for copy in copies]
    times = [published(copy) for copy in copies]
    best = min(
        range(len(copies)),
        key=lambda i: (-votes[i], not agency[i], elsewhere[i], times[i], copies[i].order),
    )
    primary = copies[best]
    reasons: list[str] = []
    if votes[best]:
        reasons.append(f"canonical link of {votes[best]} other cop{'y' if votes[best] == 1 else 'ies'} points at it")
    if agency[best]:
        reasons.append(f"published by the credited agency ({primary.wire_credit})")
    demoted = sum(elsewhere) - elsewhere[best]
    if demoted and not votes[best]:
        reasons.append(
            f"{demoted} other cop{'y declares' if demoted == 1 else 'ies declare'} a canonical on another site"
        )
    if primary.published_at and times[best] <= min(times):
        reasons.append("earliest published")
    if primary.wire_credit:
        reasons.append(f"wire text credited to {primary.wire_credit}")
    if len(copies) == 1:
        reasons.append("only copy")
    elif not reasons or reasons == [f"wire text credited to {primary.wire_credit}"]:
        reasons.append("first stored")
    return PrimaryChoice(primary=primary.key, reasons=tuple(reasons))
