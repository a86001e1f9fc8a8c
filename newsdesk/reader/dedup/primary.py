"""Which copy of a wire text to credit as the primary source, by the signals an editor uses.

In order: a copy the other copies' canonical (or og:url) links point at is the original they republished; a copy
published by the credited agency itself is the original; a copy whose own canonical points at another site
admits it is a republication; otherwise the earliest published copy wins (ties: the one stored first).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
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


def _published(copy: CopyFacts) -> datetime:
    return copy.published_at.replace(tzinfo=None) if copy.published_at else _NEVER


_NEVER = datetime.max.replace(tzinfo=None)


@dataclass
class PrimaryTally:
    """What the choice needs of a group's copies beyond the copies it ranks: how many copies' canonicals point at
    each site, how many point away from their own, the credits, the earliest time. Kept with the group and grown
    by `add`, it lets a new copy be judged against the current primary and the copies whose votes it changed,
    not against every copy again (a wire text can have thousands)."""

    size: int = 0
    votes: dict[str, int] = field(default_factory=dict)  # site key -> copies whose canonical names that site
    elsewhere: int = 0  # copies whose canonical names another site than their own
    credits: dict[str, list] = field(default_factory=dict)  # credit -> [copies, first copy's order]
    earliest: datetime | None = None  # earliest publication time of a copy (naive, as `_published`)

    @classmethod
    def of(cls, copies: Sequence[CopyFacts]) -> PrimaryTally:
        tally = cls()
        for copy in copies:
            tally.add(copy)
        return tally

    def add(self, copy: CopyFacts) -> str:
        """Count one more copy; the site whose copies' votes it raised ("" for none)."""
        self.size += 1
        lifted = ""
        if _points_elsewhere(copy):
            self.elsewhere += 1
            if lifted := _site_facts(copy.canonical_url)[1]:
                self.votes[lifted] = self.votes.get(lifted, 0) + 1
        if copy.wire_credit:
            count, first = self.credits.get(copy.wire_credit, (0, copy.order))
            self.credits[copy.wire_credit] = [count + 1, min(first, copy.order)]
        if copy.published_at and (self.earliest is None or _published(copy) < self.earliest):
            self.earliest = _published(copy)
        return lifted

    def votes_for(self, copy: CopyFacts) -> int:
        """Other copies whose canonical points at this copy's site (a copy never votes for its own site)."""
        key = _site_facts(copy.url)[1]
        return self.votes.get(key, 0) if key else 0

    def wire_credit(self) -> str:
        """The credit most copies carry (a tie: the one the first-stored copy carried)."""
        if not self.credits:
            return ""
        return min(self.credits, key=lambda credit: (-self.credits[credit][0], self.credits[credit][1]))

    def to_json(self) -> dict:
        earliest = self.earliest.isoformat() if self.earliest else None
        return {
            "size": self.size,
            "votes": self.votes,
            "elsewhere": self.elsewhere,
            "credits": self.credits,
            "earliest": earliest,
        }

    @classmethod
    def from_json(cls, data: object) -> PrimaryTally | None:
        """The stored tally, or None when there is none or it has the wrong shape (the caller recounts)."""
        try:
            earliest = datetime.fromisoformat(data["earliest"]) if data["earliest"] else None
            return cls(
                size=int(data["size"]),
                votes={str(k): int(v) for k, v in data["votes"].items()},
                elsewhere=int(data["elsewhere"]),
                credits={str(k): [int(v[0]), v[1]] for k, v in data["credits"].items()},
                earliest=earliest,
            )
        except (TypeError, KeyError, ValueError, AttributeError, IndexError):
            return None


def choose_primary(copies: Sequence[CopyFacts]) -> PrimaryChoice:
    """The copy to credit and the reasons, most decisive first. `copies` must not be empty. Linear in the copies:
    a wire text carried by thousands of outlets is re-judged for every new copy."""
    if not copies:
        raise ValueError("choose_primary needs at least one copy")
    return choose_among(copies, PrimaryTally.of(copies))


def choose_among(candidates: Sequence[CopyFacts], tally: PrimaryTally) -> PrimaryChoice:
    """The primary of a group whose copies `tally` counts, among `candidates`: every copy that can outrank the
    rest (all of them; or, after one copy was added, that copy, the previous primary and the copies whose votes
    it raised: every other copy's rank is unchanged, so none can pass the previous primary)."""
    if not candidates:
        raise ValueError("choose_primary needs at least one copy")

    def rank(copy: CopyFacts) -> tuple:
        return (
            -tally.votes_for(copy),
            not _is_agency_copy(copy),
            _points_elsewhere(copy),
            _published(copy),
            copy.order,
        )

    primary = min(candidates, key=rank)
    votes = tally.votes_for(primary)
    reasons: list[str] = []
    if votes:
        reasons.append(f"canonical link of {votes} other cop{'y' if votes == 1 else 'ies'} points at it")
    if _is_agency_copy(primary):
        reasons.append(f"published by the credited agency ({primary.wire_credit})")
    demoted = tally.elsewhere - _points_elsewhere(primary)
    if demoted and not votes:
        reasons.append(
            f"{demoted} other cop{'y declares' if demoted == 1 else 'ies declare'} a canonical on another site"
        )
    if primary.published_at and _published(primary) <= tally.earliest:
        reasons.append("earliest published")
    if primary.wire_credit:
        reasons.append(f"wire text credited to {primary.wire_credit}")
    if tally.size == 1:
        reasons.append("only copy")
    elif not reasons or reasons == [f"wire text credited to {primary.wire_credit}"]:
        reasons.append("first stored")
    return PrimaryChoice(primary=primary.key, reasons=tuple(reasons))
