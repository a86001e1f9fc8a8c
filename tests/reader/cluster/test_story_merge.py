"""A story of headlines alone at its close (cluster.refine.story_merge): scored as one article, it merges whole into
the story it matches when their summed embeddings are alike too; an unrelated one stays; no threshold, a threshold
above its score, two stories past the size limit or embeddings apart change nothing; without embeddings the words
merge alone only when the cosine is not asked for; a story with full text is refined member by member instead."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from newsdesk.reader.cluster import ClusterOptions
from newsdesk.reader.cluster.embedding import PackagedEmbedder
from newsdesk.reader.cluster.refine import refine_story, story_merge
from tests.reader.cluster.test_refine import MYSORE, SUKANYA, stories

FIRE = [
    "Fire breaks out at the harbour warehouse",
    "Harbour warehouse fire sends smoke over the city",
    "Firefighters battle harbour warehouse blaze",
]
# The same fire told by its smoke: two headlines that opened a story of their own.
SMOKE = ["Smoke over the city from the warehouse blaze", "City told to shut windows against blaze smoke"]
VOTE = ["Prime minister calls snap election", "Snap election set for June"]


# The packaged model's knobs, which set the close merge (a threshold and a cosine; without them: never).
TUNED = replace(ClusterOptions(), **PackagedEmbedder.tuning)
# Each story's summed embedding (StoryState.vector): the smoke's close to the fire's, the vote's apart.
VECTORS = {"fire": [3.0, 0.3], "smoke": [1.8, 0.6], "vote": [0.2, 2.0]}


def headline_stories(options, *, embedded=True):
    layout = {name: [(title, "") for title in titles] for name, titles in (("fire", FIRE), ("smoke", SMOKE))}
    layout["vote"] = [(title, "") for title in VOTE]
    clusterer, members = stories(options, layout)
    for key, vector in VECTORS.items():
        clusterer.states[key].vector = np.array(vector, dtype=np.float32) if embedded else None
    return clusterer, members


def test_a_headline_story_merges_whole_into_the_story_it_matches_at_its_close():
    options = TUNED
    clusterer, members = headline_stories(options)
    # One of its headlines alone matches its own story far better than the fire's.
    alone = clusterer.matches(members["smoke"][1].features, None, title_only=True)
    assert [key for _, key in alone] == ["smoke", "fire"]

    moves = refine_story(clusterer, "smoke", members["smoke"])

    assert [(m.member, m.source, m.target) for m in moves] == [
        ("smoke-0", "smoke", "fire"),
        ("smoke-1", "smoke", "fire"),
    ]
    assert moves[0].score == moves[1].score >= options.title_close_merge_threshold
    assert clusterer.states["fire"].size == 5
    assert "smoke" in clusterer.states["fire"].terms
    assert "smoke" not in clusterer.states  # gone; what pointed at it now finds the fire story
    assert clusterer.resolve("smoke") == "fire"
    # Nothing leads to it any more: its headlines now find the fire story.
    assert "smoke" not in clusterer.candidates(members["smoke"][1].features, None)
    assert "fire" in clusterer.candidates(members["smoke"][1].features, None)


def test_an_unrelated_headline_story_stays_as_it_is():
    clusterer, members = headline_stories(TUNED)
    before = {key: state.to_json() for key, state in clusterer.states.items()}

    assert story_merge(clusterer, "vote", members["vote"]) == []
    assert {key: state.to_json() for key, state in clusterer.states.items()} == before


@pytest.mark.parametrize(
    "knobs",
    [
        {"title_close_merge_threshold": None},  # as words alone have it (ClusterOptions())
        {"title_close_merge_threshold": 0.9},  # above what the smoke story scores against the fire's
        {"title_merge_max_size": 1},  # both have grown past it
        # their embeddings not that alike, whatever the score
        {"title_close_merge_cosine": 0.99, "title_close_merge_sure_cosine": 0.99},
        {"refine_passes": 0},  # no refinement at a close, no merge either
    ],
)
def test_no_threshold_a_higher_one_or_two_stories_past_the_size_limit_merge_nothing(knobs):
    clusterer, members = headline_stories(replace(TUNED, **knobs))
    before = {key: state.to_json() for key, state in clusterer.states.items()}

    assert refine_story(clusterer, "smoke", members["smoke"]) == []
    assert {key: state.to_json() for key, state in clusterer.states.items()} == before


def test_the_merged_story_takes_the_summed_embedding_along():
    clusterer, members = headline_stories(TUNED)

    assert [move.target for move in story_merge(clusterer, "smoke", members["smoke"])] == ["fire", "fire"]
    np.testing.assert_allclose(clusterer.states["fire"].vector, [4.8, 0.9])


def test_without_embeddings_the_words_alone_merge_only_when_the_cosine_is_not_asked_for():
    clusterer, members = headline_stories(TUNED, embedded=False)
    assert story_merge(clusterer, "smoke", members["smoke"]) == []

    words_alone = replace(TUNED, title_close_merge_cosine=None)
    clusterer, members = headline_stories(words_alone, embedded=False)
    assert {move.target for move in story_merge(clusterer, "smoke", members["smoke"])} == {"fire"}


def test_a_story_with_full_text_is_refined_member_by_member_never_merged_whole():
    options = TUNED
    clusterer, members = stories(options, {"mysore": MYSORE, "sukanya": SUKANYA})
    before = {key: state.to_json() for key, state in clusterer.states.items()}

    # Two pirate events sharing the Gulf of Aden, the navy and the pirates: as one article the Mysore story would
    # clear the close bar against the Sukanya story, but each of its reports fits its own story best.
    assert refine_story(clusterer, "mysore", members["mysore"]) == []
    assert {key: state.to_json() for key, state in clusterer.states.items()} == before
    taken_whole, same = stories(replace(options, title_close_merge_cosine=None), {"mysore": MYSORE, "sukanya": SUKANYA})
    assert {move.target for move in story_merge(taken_whole, "mysore", same["mysore"])} == {"sukanya"}


def _smoke_at_a_cosine_of_0_3(options):
    """The smoke story with its summed embedding at a cosine of 0.3 to the fire story's: under the plain bar (0.35)."""
    clusterer, members = headline_stories(options)
    clusterer.states["fire"].vector = np.array([1.0, 0.0], dtype=np.float32)
    clusterer.states["smoke"].vector = np.array([0.3, (1 - 0.09) ** 0.5], dtype=np.float32)
    return clusterer, members


def test_a_merge_that_scores_the_sure_bar_asks_only_the_lower_cosine():
    # What the smoke story scores against the fire story when no cosine is asked.
    clusterer, members = _smoke_at_a_cosine_of_0_3(replace(TUNED, title_close_merge_cosine=None))
    value = story_merge(clusterer, "smoke", members["smoke"])[0].score
    assert value >= TUNED.title_close_merge_threshold

    plain = replace(TUNED, title_close_merge_sure=None)
    clusterer, members = _smoke_at_a_cosine_of_0_3(plain)
    assert story_merge(clusterer, "smoke", members["smoke"]) == []  # 0.3 < 0.35: the plain bar keeps them apart

    sure = replace(TUNED, title_close_merge_sure=value - 0.01, title_close_merge_sure_cosine=0.25)
    clusterer, members = _smoke_at_a_cosine_of_0_3(sure)
    assert {move.target for move in story_merge(clusterer, "smoke", members["smoke"])} == {"fire"}

    short = replace(sure, title_close_merge_sure=value + 0.01)  # scores under the sure bar: the plain cosine again
    clusterer, members = _smoke_at_a_cosine_of_0_3(short)
    assert story_merge(clusterer, "smoke", members["smoke"]) == []

    too_far = replace(sure, title_close_merge_sure_cosine=0.31)  # the lower cosine is a bar too
    clusterer, members = _smoke_at_a_cosine_of_0_3(too_far)
    assert story_merge(clusterer, "smoke", members["smoke"]) == []
