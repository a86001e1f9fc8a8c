"""A multi-word name is one participant (ClusterOptions.phrase_conflicts): "Reform Alliance" of "Wardbury Reform
Alliance" is not shared with a story of the "Goldenmouth Reform Alliance" (two names ending alike after words of one
side alone), while "Peter Capaldi" and "actor Peter Capaldi" (one name inside the other), two names ending in one word
alike ("Indian Ocean", "Pacific Ocean") and one first name are left to the entity share as before. The words stay
names of their own, and a story keeps its members' multi-word names (StoryState.phrases) through add, remove, merge
and JSON."""

from __future__ import annotations

from dataclasses import replace

import pytest

from newsdesk.reader.cluster import ClusterOptions, StoryClusterer, StoryState, article_features, clustering_features
from newsdesk.reader.cluster.score_shifts import name_parts, names_apart

OFF = replace(ClusterOptions(), phrase_conflicts=False)

# The demo world's mix (seed 7): a one-report story whose body is a teaser opening with the organisation's name,
# and a report of another event told in the same template, its organisation sharing the name's suffix.
TEASER = (
    "Bauer and Sanchez clash over the new housing law",
    "Goldenmouth Reform Alliance and Sanchez at odds as pressure mounts.",
)
OTHER_EVENT = (
    "Council in Wardbury split over the corruption inquiry",
    "The row over the corruption inquiry deepened on Friday after Jessica Becker, the interior minister, accused "
    "Wardbury Reform Alliance of acting without consultation. Wardbury residents said the Wardbury Reform Alliance "
    "faced mounting pressure.",
)
SAME_EVENT = (
    "Sanchez defends the Goldenmouth Reform Alliance",
    "Kenneth Sanchez said the Goldenmouth Reform Alliance would stand by the new housing law, as Melissa Bauer "
    "faced mounting pressure.",
)


def story_of(options: ClusterOptions, title: str, text: str) -> tuple[StoryClusterer, object]:
    clusterer = StoryClusterer(options)
    return clusterer, clusterer.assign(title=title, text=text, language="en").story


def join_value(clusterer: StoryClusterer, key: object, title: str, text: str = "") -> float:
    features = clustering_features(clusterer.options, title=title, text=text)
    return clusterer.join_values(features, [key], at=None, title_only=not text)[0]


@pytest.mark.parametrize(
    ("text", "phrases", "entities"),
    [
        # A name opening the sentence is a name when the next word is capitalized too; its words stay entities
        # where they stood inside the sentence.
        (
            "Goldenmouth Reform Alliance and Sanchez at odds.",
            {"goldenmouth reform alliance": 1.0},
            {"reform": 1.0, "alliance": 1.0, "sanchez": 1.0},
        ),
        ("He met Peter Capaldi in London.", {"peter capaldi": 1.0}, {"peter": 1.0, "capaldi": 1.0, "london": 1.0}),
        # A comma ends a name, and a possessive's "'s" is no part of it.
        (
            "Jessica Becker, Lauren Edwards and Matt Smith's agent met.",
            {"jessica becker": 1.0, "lauren edwards": 1.0, "matt smith": 1.0},
            {"becker": 1.0, "lauren": 1.0, "edwards": 1.0, "matt": 1.0, "smith's": 1.0},
        ),
        # A single capitalized word is no multi-word name; "the" breaks a run.
        ("Officials in Paris said the Elysee agreed.", {}, {"paris": 1.0, "elysee": 1.0}),
        # The end of a sentence (white space after its closing mark, a semicolon's too, or a line break) ends a
        # name, and the capital opening the next one names nothing alone; a full stop without a space ends none.
        (
            "Talks with Peter Capaldi. Berlin said no.\nMadrid agreed; Lisbon too \u2013 Rome (Italy) waited.Oslo Fjord",
            {"peter capaldi": 1.0, "oslo fjord": 1.0},
            {"peter": 1.0, "capaldi": 1.0, "rome": 1.0, "italy": 1.0, "oslo": 1.0, "fjord": 1.0},
        ),
    ],
)
def test_a_run_of_capitalized_words_is_one_multi_word_name(text, phrases, entities):
    features = article_features("", text)

    assert features.phrases == phrases
    assert features.entities == entities


def test_a_title_case_headline_names_nothing_as_a_whole():
    assert article_features("Reform Alliance Wins Vote In Goldenmouth").phrases == {}
    headline = "Council votes against the housing plan of the Goldenmouth Reform Alliance"
    assert article_features(headline).phrases == {"goldenmouth reform alliance": 2.0}


@pytest.mark.parametrize(
    ("article", "story", "apart"),
    [
        (["wardbury reform alliance"], ["goldenmouth reform alliance"], ["alliance", "reform"]),
        (["port sharon general hospital"], ["shieldsview general hospital"], ["general", "hospital"]),
        # One name inside the other: one participant.
        (["actor peter capaldi"], ["peter capaldi", "doctor who"], []),
        (["joann miller shieldsview general hospital"], ["shieldsview general hospital"], []),
        (["wardbury reform alliance", "reform alliance"], ["goldenmouth reform alliance"], []),
        # Ending in one word alike is not enough ("Indian Ocean", "Pacific Ocean"; a first name shared).
        (["pacific ocean"], ["indian ocean"], []),
        (["david tennant"], ["david harewood"], []),
        # A name's other words named by the other side as well: a title before one person's name.
        (["president-elect barack obama"], ["president barack obama"], []),
    ],
)
def test_names_apart_are_the_words_two_names_end_in_after_words_of_one_side_alone(article, story, apart):
    article_names = {word: 1.0 for name in article for word in name.split()}
    story_names = {word: 1.0 for name in story for word in name.split()}
    if "president-elect barack obama" in article:
        article_names["president"] = 1.0  # "... said President Bush"
    found = names_apart(
        name_parts(dict.fromkeys(article, 1.0)), name_parts(dict.fromkeys(story, 1.0)), article_names, story_names
    )

    assert sorted(found) == apart


def test_a_shared_suffix_of_two_organisations_no_longer_joins_a_report_of_another_event():
    assert ClusterOptions().phrase_conflicts
    on, key = story_of(ClusterOptions(), *TEASER)
    off, off_key = story_of(OFF, *TEASER)

    # Without the rule "Reform" and "Alliance" make the teaser's story share nearly all its names with the other
    # event's report: over the young story's bar. With it, the two organisations share no participant.
    assert join_value(off, off_key, *OTHER_EVENT) >= off.join_bar(off_key)
    assert join_value(on, key, *OTHER_EVENT) < on.join_bar(key)
    # A report of the same event names the same organisation: scored as without the rule.
    assert join_value(on, key, *SAME_EVENT) == pytest.approx(join_value(off, off_key, *SAME_EVENT))

    assert off.assign(title=OTHER_EVENT[0], text=OTHER_EVENT[1], language="en").story == off_key
    assert on.assign(title=OTHER_EVENT[0], text=OTHER_EVENT[1], language="en").opened
    assert on.assign(title=SAME_EVENT[0], text=SAME_EVENT[1], language="en").story == key


def test_a_headline_alone_is_not_judged_by_its_multi_word_names():
    on, key = story_of(ClusterOptions(), *TEASER)
    off, off_key = story_of(OFF, *TEASER)
    title = "Jessica Becker says the Wardbury Reform Alliance will not back down"

    assert join_value(on, key, title) == pytest.approx(join_value(off, off_key, title))


def test_a_story_keeps_its_members_multi_word_names_through_add_remove_merge_and_json():
    options = ClusterOptions()
    first = article_features(*TEASER)
    second = article_features(*SAME_EVENT)
    state = StoryState()
    state.add(first, language="en", at=None, options=options)
    state.add(second, language="en", at=None, options=options)
    assert state.phrases["goldenmouth reform alliance"] == 2.0
    assert state.phrases["kenneth sanchez"] == 1.0

    assert StoryState.from_json(state.to_json()).phrases == state.phrases
    other = StoryState()
    other.add(article_features(*OTHER_EVENT), language="en", at=None, options=options)
    merged = state.copy()
    merged.merge(other, options)
    assert merged.phrases["wardbury reform alliance"] == 2.0
    assert "wardbury reform alliance" not in state.phrases  # the copy changed apart

    state.remove(second, language="en", at=None)
    assert state.phrases == {"goldenmouth reform alliance": 1.0}
    # A state stored before multi-word names were kept loads with none.
    stored = state.to_json()
    del stored["phrases"]
    assert StoryState.from_json(stored).phrases == {}
