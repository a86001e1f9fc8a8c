"""choose_primary on large groups: the linear choice gives exactly the primary and reasons of the direct reading of
the rules (every copy's canonical votes counted over every other copy), on random groups and on a 2,000-copy one."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.reader.dedup.primary import (
    AGENCY_HOSTS,
    CopyFacts,
    PrimaryChoice,
    PrimaryTally,
    choose_among,
    choose_primary,
)
from newsdesk.reader.urls import same_site, url_origin

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def reference_choice(copies: list[CopyFacts]) -> PrimaryChoice:
    """The rules as first written, quadratic: kept here as the oracle the linear version must agree with."""

    def agency(copy: CopyFacts) -> bool:
        if not copy.wire_credit:
            return False
        host = url_origin(copy.url).partition("://")[2].split(":")[0]
        hosts = AGENCY_HOSTS.get(copy.wire_credit, ())
        return any(host == h or host.endswith("." + h) for h in hosts) or (
            copy.publisher_name.strip().casefold() == copy.wire_credit.casefold()
        )

    def elsewhere(copy: CopyFacts) -> bool:
        return (
            bool(copy.canonical_url)
            and bool(url_origin(copy.canonical_url))
            and not same_site(copy.canonical_url, copy.url)
        )

    def votes(copy: CopyFacts) -> int:
        return sum(1 for o in copies if o is not copy and elsewhere(o) and same_site(o.canonical_url, copy.url))

    never = datetime.max

    def published(copy: CopyFacts) -> datetime:
        return copy.published_at.replace(tzinfo=None) if copy.published_at else never

    primary = sorted(copies, key=lambda c: (-votes(c), not agency(c), elsewhere(c), published(c), c.order))[0]
    n, demoted = votes(primary), sum(1 for c in copies if c is not primary and elsewhere(c))
    said = [
        (n > 0, f"canonical link of {n} other cop{'y' if n == 1 else 'ies'} points at it"),
        (agency(primary), f"published by the credited agency ({primary.wire_credit})"),
        (
            demoted > 0 and n == 0,
            f"{demoted} other cop{'y declares' if demoted == 1 else 'ies declare'} a canonical on another site",
        ),
        (
            primary.published_at is not None and all(published(primary) <= published(c) for c in copies),
            "earliest published",
        ),
        (bool(primary.wire_credit), f"wire text credited to {primary.wire_credit}"),
    ]
    reasons = [text for holds, text in said if holds]
    if len(copies) == 1:
        reasons.append("only copy")
    elif all(text.startswith("wire text credited") for text in reasons):
        reasons.append("first stored")
    return PrimaryChoice(primary=primary.key, reasons=tuple(reasons))


HOSTS = [
    "https://herald.example",
    "https://www.herald.example",
    "http://herald.example",
    "https://courier.example",
    "https://courier.example:8443",
    "https://www.afp.com",
    "https://apnews.com",
    "https://news.reuters.com",
    "http://127.0.0.1:8081",
]


def random_group(rng: random.Random, size: int) -> list[CopyFacts]:
    copies = []
    for n in range(size):
        url = f"{rng.choice(HOSTS)}/story/{n}"
        canonical = rng.choice(["", url, f"{rng.choice(HOSTS)}/story/{rng.randrange(size)}", "not a url", "/relative"])
        copies.append(
            CopyFacts(
                key=n,
                url=url,
                canonical_url=canonical,
                published_at=None if rng.random() < 0.2 else T0 + timedelta(minutes=rng.randrange(30)),
                wire_credit=rng.choice(["", "AFP", "AP", "Reuters"]),
                publisher_name=rng.choice(["", "Herald", "AFP", "afp "]),
                order=rng.randrange(size),
            )
        )
    return copies


@pytest.mark.parametrize("seed", range(60))
def test_the_linear_choice_agrees_with_the_rules_read_directly(seed):
    rng = random.Random(seed)
    copies = random_group(rng, rng.randint(1, 25))

    assert choose_primary(copies) == reference_choice(copies)


def test_a_two_thousand_copy_group_credits_the_agency_then_the_page_canonicals_point_at():
    # Every outlet declares its own canonical (the usual case); the agency's own release arrives two hours late.
    copies = [
        CopyFacts(
            key=n,
            url=f"https://outlet{n}.example/world/{n}",
            canonical_url=f"https://outlet{n}.example/world/{n}",
            published_at=T0 + timedelta(seconds=n),
            wire_credit="AFP",
            publisher_name=f"Outlet {n}",
            order=n,
        )
        for n in range(2000)
    ]
    assert choose_primary(copies) == PrimaryChoice(0, ("earliest published", "wire text credited to AFP"))

    agency = CopyFacts(
        key="afp", url="https://www.afp.com/en/x", published_at=T0 + timedelta(hours=2), wire_credit="AFP", order=2000
    )
    copies.append(agency)
    assert choose_primary(copies) == PrimaryChoice(
        "afp", ("published by the credited agency (AFP)", "wire text credited to AFP")
    )

    # Then 40 mirrors whose canonical names outlet 7's page (on www., another scheme): the page they republished.
    copies += [
        CopyFacts(
            key=f"mirror{n}",
            url=f"https://mirror{n}.example/a",
            canonical_url="http://www.outlet7.example/world/7?x=1",
            wire_credit="AFP",
            order=3000 + n,
        )
        for n in range(40)
    ]
    assert choose_primary(copies) == PrimaryChoice(
        7, ("canonical link of 40 other copies points at it", "wire text credited to AFP")
    )


def test_a_tally_survives_json_and_a_broken_one_reads_as_none():
    copies = [
        CopyFacts(key=1, url="https://a.example/1", canonical_url="https://b.example/2", wire_credit="AP", order=5),
        CopyFacts(key=2, url="https://b.example/2", published_at=T0, wire_credit="AFP", order=3),
        CopyFacts(key=3, url="https://c.example/3", published_at=T0, wire_credit="AP", order=4),
    ]
    tally = PrimaryTally.of(copies)
    assert PrimaryTally.from_json(tally.to_json()) == tally
    assert (tally.votes, tally.elsewhere, tally.wire_credit()) == ({"b.example": 1}, 1, "AP")
    assert PrimaryTally().wire_credit() == ""
    for broken in (None, [], {"size": "x"}, {**tally.to_json(), "earliest": "not a time"}):
        assert PrimaryTally.from_json(broken) is None
    with pytest.raises(ValueError, match="at least one copy"):
        choose_among([], tally)
