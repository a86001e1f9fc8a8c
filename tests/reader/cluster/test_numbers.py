"""Lead numbers: the counts, amounts and years of a headline and its lead, which tell two similar events apart (the
navy that caught 23 pirates and the one that caught 26). A story counts how many of its members' leads have each;
an article whose lead agrees with the story scores higher, one whose lead names other numbers only scores lower."""

from __future__ import annotations

from dataclasses import replace

import pytest

from newsdesk.reader.cluster import ClusterOptions, StoryClusterer, StoryState, article_features
from newsdesk.reader.cluster.features import LEAD_CHARS, lead_numbers

PIRATES_23 = (
    "Indian navy captures 23 pirates in the Gulf of Aden",
    "The Indian navy captured 23 piracy suspects who tried to take over a merchant vessel in the Gulf of Aden, "
    "officials said. The warship INS Mysore repulsed the attack.",
)
PIRATES_23_AGAIN = (
    "Navy warship foils pirate attack in Gulf of Aden, 23 held",
    "An Indian navy warship foiled an attack on a merchant vessel in the Gulf of Aden and held 23 pirates, "
    "the navy said. INS Mysore intervened.",
)
PIRATES_26 = (
    "Indian navy warship foils attack in Gulf of Aden, nabs 26 pirates",
    "An Indian navy warship foiled a pirate attack on merchant vessels in the Gulf of Aden and captured 26 pirates, "
    "a naval officer said. INS Sukanya intervened.",
)
PIRATES_NO_NUMBER = (
    "Indian navy foils pirate attack in the Gulf of Aden",
    "An Indian navy warship foiled a pirate attack on a merchant vessel in the Gulf of Aden, the navy said.",
)


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("Navy nabs 26 pirates", "", {"26"}),
        # Thousands separators of any language meet; 0 and 1 (and "01") say nothing.
        (
            "1,200 evacuated",
            "Les secours ont évacué 1.200 habitants, 0 morts, 1 blessé, le 01 mai 2026.",
            {"1200", "2026"},
        ),
        ("Floods", "x" * LEAD_CHARS + " 1200 residents were evacuated.", set()),  # past the lead: background
        # A day of the month is when a report was written, not a fact of the event ("Nov 11" met "11 Yemeni");
        # the year stays. In all four languages, before or after the month.
        (
            "Mumbai, Nov. 11 - Navy nabs 26 pirates",
            "Published: July 29, 2004. 12 Somali and 11 Yemeni",
            {"26", "2004", "12", "11"},
        ),
        (
            "Séisme",
            "Le 4 août 2013, 23 morts. Am 4. August 2013. El 4 de agosto, 17 heridos; 3rd March.",
            {"2013", "23", "17"},
        ),
        # "may" the verb is not the month.
        ("Rates may 12 times rise", "On May 12, 2013, 40 banks", {"12", "2013", "40"}),
    ],
)
def test_lead_numbers_are_the_headline_and_leads_numbers_separators_dropped(title, text, expected):
    assert lead_numbers(title, text) == expected
    assert article_features(title, text).numbers == expected


def story_of(*articles, options=None):
    """A clusterer holding one story made of these articles, whatever its threshold."""
    clusterer = StoryClusterer(options)
    clusterer.load("story", StoryState())
    for title, text in articles:
        clusterer.add_to("story", article_features(title, text), language="en", at=None)
    return clusterer, "story"


def shift(options, article):
    """The article's score for the story built of the first two reports, minus its score with numbers ignored."""
    clusterer, key = story_of(PIRATES_23, PIRATES_23_AGAIN, options=options)
    features = article_features(*article)
    weighed = clusterer.weigh(features)
    [plain] = clusterer.scores(weighed, [key])
    [moved] = clusterer.scores(weighed, [key], numbers=features.numbers)
    return moved - plain


def test_an_agreeing_lead_scores_higher_a_contradicting_lead_lower_and_no_numbers_the_same():
    options = ClusterOptions(number_bonus=0.1, number_penalty=0.05)

    assert shift(options, PIRATES_23_AGAIN) == pytest.approx(0.1)
    assert shift(options, PIRATES_26) == pytest.approx(-0.05)
    assert shift(options, PIRATES_NO_NUMBER) == 0.0
    assert shift(replace(options, number_bonus=0.0, number_penalty=0.0), PIRATES_26) == 0.0


def test_a_story_whose_leads_agree_on_no_number_shifts_nothing():
    clusterer, key = story_of(PIRATES_NO_NUMBER)
    features = article_features(*PIRATES_26)

    weighed = clusterer.weigh(features)

    assert clusterer.state_of(key).agreed_numbers(0.3) == frozenset()
    assert clusterer.scores(weighed, [key], numbers=features.numbers) == clusterer.scores(weighed, [key])


def test_the_other_events_report_joins_on_words_alone_and_opens_its_own_story_with_numbers():
    """The two navies' reports share almost every word: with the threshold just under their words' score, the
    contradicting numbers are what part them."""
    words_only = ClusterOptions(number_bonus=0.0, number_penalty=0.0)
    probe, _ = story_of(PIRATES_23, PIRATES_23_AGAIN, options=words_only)
    words_score = probe.assign(title=PIRATES_26[0], text=PIRATES_26[1]).score
    words_only = replace(words_only, threshold=words_score - 0.025)
    with_numbers = replace(words_only, number_penalty=0.05)
    plain, plain_key = story_of(PIRATES_23, PIRATES_23_AGAIN, options=words_only)
    numbered, _ = story_of(PIRATES_23, PIRATES_23_AGAIN, options=with_numbers)

    assert words_score > 0.3
    assert plain.assign(title=PIRATES_26[0], text=PIRATES_26[1]).story == plain_key
    assert numbered.assign(title=PIRATES_26[0], text=PIRATES_26[1]).opened


def test_numbers_count_per_member_through_merges_and_stored_state_and_old_states_have_none():
    state = StoryState()
    options = ClusterOptions()
    state.add(article_features(*PIRATES_23), language="en", at=None, options=options)
    other = StoryState()
    other.add(article_features(*PIRATES_23_AGAIN), language="en", at=None, options=options)
    other.add(article_features(*PIRATES_26), language="en", at=None, options=options)

    state.merge(other, options)
    again = StoryState.from_json(state.to_json())
    old = state.to_json()
    del old["numbers"]

    assert state.numbers == {"23": 2, "26": 1}
    assert again.numbers == state.numbers
    assert again.agreed_numbers(0.5) == {"23"}
    assert again.agreed_numbers(0.3) == {"23", "26"}
    assert StoryState.from_json(old).numbers == {}
    assert "numbers" not in StoryState().to_json()
