"""A story whose leading name and the article's exclude each other scores less (ClusterOptions.name_conflict_penalty):
two events told in one template, one organisation's name suffix shared ("Goldenmouth Reform Alliance", "Wardbury
Reform Alliance"), stay apart; a report of the same event, which names its main place, is not touched; nor is a
headline alone."""

from __future__ import annotations

from dataclasses import replace

import pytest

from newsdesk.reader.cluster import ClusterOptions, StoryClusterer, clustering_features

# The two organisations' names whole would part these events already (test_phrase_conflicts): this rule is judged
# without that one.
ON = replace(ClusterOptions(), phrase_conflicts=False)
OFF = replace(ON, name_conflict_penalty=0.0)

HOUSING = [
    (
        "Council in Goldenmouth split over the new housing law",
        "The council in Goldenmouth met on Monday as Melissa Bauer pressed for a vote on the new housing law. Critics "
        "in Goldenmouth accused the council of acting without a plan, and Bauer said the Goldenmouth Reform Alliance "
        "would not back down. The row has deepened divisions, residents said, and the cost remains unclear.",
    ),
    (
        "Bauer backs the new housing law in Goldenmouth",
        "Melissa Bauer backed the new housing law on Tuesday, telling residents that Goldenmouth needed homes. The "
        "opposition said the plan faced mounting pressure, and Bauer accused critics in Goldenmouth of delay. The row "
        "has deepened divisions.",
    ),
]
# Another event in the same words: its own place and people, the same alliance suffix and sentences.
CORRUPTION = (
    "Council in Wardbury split over the corruption inquiry",
    "The council in Wardbury met on Monday as Jessica Becker pressed for a vote on the corruption inquiry. Critics in "
    "Wardbury accused the council of acting without a plan, and Becker said the Wardbury Reform Alliance would not "
    "back down. The row has deepened divisions, residents said, and the cost remains unclear.",
)
SAME_EVENT = (
    "Goldenmouth residents weigh the housing law",
    "In Goldenmouth, residents weighed the new housing law as Melissa Bauer defended it. Bauer said the vote in "
    "Goldenmouth would come soon.",
)


def housing_story(options: ClusterOptions) -> tuple[StoryClusterer, object]:
    clusterer = StoryClusterer(options)
    for title, text in HOUSING:
        key = clusterer.assign(title=title, text=text, language="en").story
    assert clusterer.states[key].size == 2
    return clusterer, key


def join_value(clusterer: StoryClusterer, key: object, title: str, text: str = "") -> float:
    features = clustering_features(clusterer.options, title=title, text=text)
    return clusterer.join_values(features, [key], at=None, title_only=not text)[0]


def test_the_default_penalizes_a_story_led_by_another_name():
    assert ClusterOptions().name_conflict_penalty > 0
    options = ON
    on, key = housing_story(options)
    off, off_key = housing_story(OFF)

    # The two events share the alliance's suffix and the template's sentences: well above the join bar either way.
    assert join_value(off, off_key, *CORRUPTION) >= options.threshold
    assert join_value(on, key, *CORRUPTION) == pytest.approx(
        join_value(off, off_key, *CORRUPTION) - options.name_conflict_penalty
    )
    # A report of the same event leads with its place (Goldenmouth): scored as before.
    assert join_value(on, key, *SAME_EVENT) == pytest.approx(join_value(off, off_key, *SAME_EVENT))


def test_an_article_led_by_another_name_opens_its_own_story_where_it_would_have_joined():
    # A bar between the two scores: without the rule the other event joins, with it it opens its own story, and
    # the same event's report joins either way.
    value = join_value(*housing_story(OFF), *CORRUPTION)
    bar = value - ClusterOptions().name_conflict_penalty / 2
    assert join_value(*housing_story(OFF), *SAME_EVENT) > bar

    for penalty, joins in ((0.0, True), (ClusterOptions().name_conflict_penalty, False)):
        options = replace(ON, name_conflict_penalty=penalty, threshold=bar, young_margin=0.0)
        clusterer, key = housing_story(options)
        assert (clusterer.assign(title=CORRUPTION[0], text=CORRUPTION[1], language="en").story == key) is joins
        assert clusterer.assign(title=SAME_EVENT[0], text=SAME_EVENT[1], language="en").story == key


def test_a_headline_alone_is_not_judged_by_its_names():
    on, key = housing_story(ON)
    off, off_key = housing_story(OFF)
    title = "Jessica Becker says the Wardbury Reform Alliance will not back the housing law"

    assert join_value(on, key, title) == pytest.approx(join_value(off, off_key, title))
