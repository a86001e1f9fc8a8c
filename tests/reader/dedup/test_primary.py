"""choose_primary: the copy an editor would credit, with the reasons, for golden cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.reader.dedup.primary import CopyFacts, choose_primary

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def copy(key, url, *, minutes=0, canonical="", credit="AFP", publisher="", order=0, published=True):
    return CopyFacts(
        key=key,
        url=url,
        canonical_url=canonical,
        published_at=T0 + timedelta(minutes=minutes) if published else None,
        wire_credit=credit,
        publisher_name=publisher,
        order=order,
    )


def test_earliest_published_copy_is_primary():
    choice = choose_primary(
        [
            copy(1, "https://herald.example/a", minutes=30, order=0),
            copy(2, "https://courier.example/b", minutes=5, order=1),
            copy(3, "https://gazette.example/c", minutes=50, order=2),
        ]
    )

    assert choice.primary == 2
    assert choice.reasons == ("earliest published", "wire text credited to AFP")


def test_copy_the_others_canonical_points_at_wins_over_an_earlier_one():
    choice = choose_primary(
        [
            copy(1, "https://herald.example/a", minutes=0, canonical="https://courier.example/b"),
            copy(2, "https://courier.example/b", minutes=20),
            copy(3, "https://gazette.example/c", minutes=10, canonical="https://courier.example/b?x=1"),
        ]
    )

    assert choice.primary == 2
    assert choice.reasons[0] == "canonical link of 2 other copies points at it"
    assert "earliest published" not in choice.reasons


def test_agency_own_release_is_primary():
    choice = choose_primary(
        [
            copy(1, "https://herald.example/a", minutes=0),
            copy(2, "https://www.afp.com/en/news/123", minutes=10),
        ]
    )

    assert choice.primary == 2
    assert choice.reasons[0] == "published by the credited agency (AFP)"


def test_publisher_named_like_the_agency_is_its_release():
    choice = choose_primary(
        [copy(1, "https://herald.example/a"), copy(2, "https://wire.example/b", minutes=3, publisher="Reuters")]
    )

    assert choice.primary == 1  # credit AFP, publisher Reuters: not the credited agency
    choice = choose_primary(
        [copy(1, "https://herald.example/a"), copy(2, "https://wire.example/b", minutes=3, publisher="afp")]
    )
    assert choice.primary == 2


def test_copy_declaring_a_canonical_elsewhere_is_demoted_even_when_earlier():
    choice = choose_primary(
        [
            copy(1, "https://herald.example/a", minutes=0, canonical="https://agency.example/original"),
            copy(2, "https://courier.example/b", minutes=15),
        ]
    )

    assert choice.primary == 2
    assert choice.reasons[0] == "1 other copy declares a canonical on another site"


def test_same_site_canonical_is_not_a_pointer_elsewhere():
    choice = choose_primary(
        [
            copy(1, "https://herald.example/a", minutes=0, canonical="https://www.herald.example/a"),
            copy(2, "https://courier.example/b", minutes=15),
        ]
    )

    assert choice.primary == 1


def test_ties_and_missing_times_fall_back_to_storage_order():
    choice = choose_primary(
        [
            copy(1, "https://herald.example/a", order=2, published=False, credit=""),
            copy(2, "https://courier.example/b", order=1, published=False, credit=""),
        ]
    )

    assert choice.primary == 2
    assert choice.reasons == ("first stored",)


def test_naive_and_aware_times_compare():
    naive = CopyFacts(key=1, url="https://a.example/", published_at=datetime(2026, 5, 4, 8, 0))
    choice = choose_primary([copy(2, "https://b.example/"), naive])

    assert choice.primary == 1


def test_single_copy_is_its_own_primary():
    choice = choose_primary([copy(7, "https://herald.example/a", credit="")])

    assert choice.primary == 7
    assert choice.reasons == ("earliest published", "only copy")


def test_no_copies_is_an_error():
    with pytest.raises(ValueError, match="at least one copy"):
        choose_primary([])
