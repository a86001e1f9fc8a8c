"""Which copy of a wire text to credit as the primary source, by the signals an editor uses.

In order: a copy the other copies' canonical (or og:url) links point at is the original they republished; a copy
published by the credited agency itself is the original; a copy whose own canonical points at another site
admits it is a republication; otherwise the earliest published copy wins (ties: the one stored first).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime

from newsdesk.reader.urls import same_site, url_origin

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


def _is_agency_copy(copy: CopyFacts) -> bool:
    if not copy.wire_credit:
        return False
    host = url_origin(copy.url).partition("://")[2].split(":")[0]
    hosts = AGENCY_HOSTS.get(copy.wire_credit, ())
    on_agency_host = any(host == h or host.endswith("." + h) for h in hosts)
    return on_agency_host or copy.publisher_name.strip().casefold() == copy.wire_credit.casefold()


def _points_elsewhere(copy: CopyFacts) -> bool:
    return (
        bool(copy.canonical_url)
        and bool(url_origin(copy.canonical_url))
        and not same_site(copy.canonical_url, copy.url)
    )


def _canonical_votes(copy: CopyFacts, copies: Sequence[CopyFacts]) -> int:
    return sum(
        1
        for other in copies
        if other is not copy and _points_elsewhere(other) and same_site(other.canonical_url, copy.url)
    )


def choose_primary(copies: Sequence[CopyFacts]) -> PrimaryChoice:
    """The copy to credit and the reasons, most decisive first. `copies` must not be empty."""
    if not copies:
        raise ValueError("choose_primary needs at least one copy")
    never = datetime.max.replace(tzinfo=None)

    def published(copy: CopyFacts) -> datetime:
        return copy.published_at.replace(tzinfo=None) if copy.published_at else never

    def rank(copy: CopyFacts) -> tuple:
        return (
            -_canonical_votes(copy, copies),
            not _is_agency_copy(copy),
            _points_elsewhere(copy),
            published(copy),
            copy.order,
        )

    ordered = sorted(copies, key=rank)
    primary = ordered[0]
    reasons: list[str] = []
    votes = _canonical_votes(primary, copies)
    if votes:
        reasons.append(f"canonical link of {votes} other cop{'y' if votes == 1 else 'ies'} points at it")
    if _is_agency_copy(primary):
        reasons.append(f"published by the credited agency ({primary.wire_credit})")
    demoted = sum(1 for copy in copies if copy is not primary and _points_elsewhere(copy))
    if demoted and not votes:
        reasons.append(
            f"{demoted} other cop{'y declares' if demoted == 1 else 'ies declare'} a canonical on another site"
        )
    if primary.published_at and all(published(primary) <= published(copy) for copy in copies if copy is not primary):
        reasons.append("earliest published")
    if primary.wire_credit:
        reasons.append(f"wire text credited to {primary.wire_credit}")
    if len(copies) == 1:
        reasons.append("only copy")
    elif not reasons or reasons == [f"wire text credited to {primary.wire_credit}"]:
        reasons.append("first stored")
    return PrimaryChoice(primary=primary.key, reasons=tuple(reasons))
