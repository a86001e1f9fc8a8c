"""NearDupSignature: edited copies of one text match, independent texts do not, and the JSON round-trips."""

from __future__ import annotations

import pytest

from newsdesk.reader.dedup.minhash import (
    BANDS,
    NUM_PERM,
    NearDupSignature,
    SignatureError,
    normalize_words,
    shingles,
)

WIRE = (
    "The city council of Northbridge approved a new harbour budget on Monday after a long debate. "
    "Mayor Jane Alder said the plan would repair the old bridge and add two ferry lines by next spring. "
    "Opposition members said the cost had been underestimated and asked for an independent audit. "
    "The vote passed by 31 to 18, with three abstentions. Work is due to start in April. "
    "Local businesses welcomed the decision, saying the bridge closures had cost them customers for years."
)
# An outlet's version: a changed headline word, a dropped sentence, a dateline and a credit line.
COPY = (
    "NORTHBRIDGE (AFP) - The city council of Northbridge approved a new harbour budget on Monday after a long "
    "debate. Mayor Jane Alder said the plan would repair the old bridge and add two ferry lines by next spring. "
    "The vote passed by 31 to 18, with three abstentions. Work is due to start in April. "
    "Local businesses welcomed the decision, saying the bridge closures had cost them customers for years.\nWith AFP"
)
OWN_REPORT = (
    "Northbridge will finally fix its harbour bridge. Councillors backed Mayor Jane Alder's spending plan on "
    "Monday evening, though critics fear the price tag will climb. Ferry operators expect two new routes, and "
    "shop owners near the waterfront hope the years of closures are over. Construction begins in April."
)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Élysée  Palace, 2024!", ["elysee", "palace", "2024"]),
        ("Straße ÜBER", ["strasse", "uber"]),
        ("", []),
    ],
)
def test_normalize_words_folds_case_accents_and_punctuation(text, words):
    assert normalize_words(text) == words


def test_shingles_are_overlapping_word_runs_or_the_whole_short_text():
    assert shingles(["a", "b", "c", "d"], 3) == {"a b c", "b c d"}
    assert shingles(["a", "b"], 3) == {"a b"}
    assert shingles([], 3) == set()


def test_edited_wire_copy_is_a_near_duplicate_and_an_own_report_is_not():
    wire, copy, own = (NearDupSignature.of_text(t) for t in (WIRE, COPY, OWN_REPORT))

    assert wire.jaccard(copy) > 0.5
    assert wire.is_near_duplicate(copy)
    assert wire.jaccard(own) < 0.1
    assert not wire.is_near_duplicate(own)
    assert not wire.is_near_duplicate(own, same_credit=True)


def test_a_shared_credit_lowers_the_bar():
    wire = NearDupSignature(hashvalues=tuple(range(NUM_PERM)), word_count=100)
    # 40 of 128 values equal: Jaccard 0.31, between the credited and the plain bar.
    other = NearDupSignature(hashvalues=tuple(range(40)) + tuple(10**6 + i for i in range(88)), word_count=100)

    assert wire.jaccard(other) == pytest.approx(40 / 128)
    assert not wire.is_near_duplicate(other)
    assert wire.is_near_duplicate(other, same_credit=True)


def test_identical_texts_share_every_band_key_and_unrelated_texts_almost_none():
    wire, again, own = (NearDupSignature.of_text(t) for t in (WIRE, WIRE, OWN_REPORT))

    assert wire.band_keys() == again.band_keys()
    assert len(wire.band_keys()) == BANDS
    assert all(len(key) <= 64 for key in wire.band_keys())
    assert len(set(wire.band_keys()) & set(own.band_keys())) <= 1


def test_short_texts_have_no_band_keys_and_match_nothing():
    short = NearDupSignature.of_text("Bridge closes")

    assert short.band_keys() == []
    assert not short.is_near_duplicate(short)


def test_signature_round_trips_through_json():
    signature = NearDupSignature.of_text(WIRE)

    assert NearDupSignature.from_json(signature.to_json()) == signature


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"v": 2, "words": 3, "minhash": [0] * NUM_PERM},
        {"v": 1, "words": 3, "minhash": [0] * 3},
        {"v": 1, "words": "3", "minhash": [0] * NUM_PERM},
        {"v": 1, "words": 3, "minhash": [-1] * NUM_PERM},
    ],
)
def test_unreadable_signature_is_a_signature_error(data):
    with pytest.raises(SignatureError):
        NearDupSignature.from_json(data)
