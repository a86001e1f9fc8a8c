"""The refinement pass at a story's close (cluster.refine): a full-text member that joined the wrong story early
moves to the story it belongs to; headlines alone never move; refine_passes=0 changes nothing; StoryState.remove
undoes StoryState.add; a story that loses every member is left at size 0."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from newsdesk.reader.cluster import ClusterOptions, StoryClusterer, StoryState, clustering_features
from newsdesk.reader.cluster.refine import Member, Move, refine_story

MYSORE = [
    (
        "Indian navy foils pirate attack in the Gulf of Aden",
        "An Indian navy warship foiled a pirate attack on a merchant vessel in the Gulf of Aden, the navy said. "
        "INS Mysore repulsed the pirates and captured 23 of them.",
    ),
    (
        "Navy warship repulses pirates in Gulf of Aden",
        "The warship INS Mysore repulsed pirates who attacked a merchant vessel in the Gulf of Aden, the Indian navy "
        "said. Twenty-three pirates were captured.",
    ),
    (
        "INS Mysore captures 23 pirates",
        "Commandos from INS Mysore boarded the pirate boat and captured 23 pirates with rifles and a rocket launcher, "
        "the Indian navy said.",
    ),
]
SUKANYA = [
    (
        "Indian warship Sukanya escorts ships past pirates",
        "INS Sukanya escorted a convoy of merchant ships through the Gulf of Aden and drove off two pirate skiffs, "
        "an officer said.",
    ),
    (
        "Sukanya drives off pirate skiffs",
        "The patrol vessel INS Sukanya drove off two pirate skiffs that closed on its convoy of merchant ships, the "
        "officer said.",
    ),
]
# A Sukanya report that joined the Mysore story before the Sukanya story had formed.
STRAY = (
    "Sukanya escorts convoy past pirate skiffs",
    "INS Sukanya escorted a convoy of merchant ships past two pirate skiffs in the Gulf of Aden, an officer said. The "
    "skiffs turned away.",
)
START = datetime(2026, 12, 5, 8, tzinfo=UTC)


def member(key, article, options, *, at=None):
    title, text = article
    features = clustering_features(options, title=title, text=text)
    return Member(key, features, title_only=not text.strip(), language="en", at=at)


def stories(options, layout, *, at=None, clusterer=None):
    """A clusterer (`clusterer`, else the product's) holding these stories ({key: [article, …]}, each member added as
    it joins) and their members."""
    clusterer = clusterer if clusterer is not None else StoryClusterer(options)
    members = {}
    for key, articles in layout.items():
        clusterer.load(key, StoryState())
        members[key] = []
        for number, article in enumerate(articles):
            when = None if at is None else at + timedelta(hours=number)
            one = member(f"{key}-{number}", article, options, at=when)
            clusterer.add_to(key, one.features, language="en", at=when)
            members[key].append(one)
    return clusterer, members


def test_a_member_that_joined_the_wrong_story_early_moves_at_its_close():
    options = ClusterOptions()
    clusterer, members = stories(options, {"mysore": [*MYSORE, STRAY], "sukanya": SUKANYA}, at=START)

    moves = refine_story(clusterer, "mysore", members["mysore"])

    assert [(m.member, m.source, m.target) for m in moves] == [("mysore-3", "mysore", "sukanya")]
    assert moves[0].score >= clusterer.join_bar("sukanya")
    assert clusterer.states["mysore"].size == 3
    assert clusterer.states["sukanya"].size == 3
    assert "skiffs" in clusterer.states["sukanya"].terms
    assert "skiffs" not in clusterer.states["mysore"].terms  # only the stray had it
    # The closing story's window is recomputed from the members it kept; the target's takes the stray in.
    assert clusterer.states["mysore"].last_seen == START + timedelta(hours=2)
    assert clusterer.states["sukanya"].last_seen == START + timedelta(hours=3)
    # Its own members stay: a second close finds nothing more to move.
    assert refine_story(clusterer, "mysore", members["mysore"][:3]) == []


@pytest.mark.parametrize("knob", ["refine_passes", "refine_candidates"])
def test_refine_passes_or_candidates_zero_changes_nothing(knob):
    options = replace(ClusterOptions(), **{knob: 0})
    clusterer, members = stories(options, {"mysore": [*MYSORE, STRAY], "sukanya": SUKANYA})
    before = {key: state.to_json() for key, state in clusterer.states.items()}

    assert refine_story(clusterer, "mysore", members["mysore"]) == []
    assert {key: state.to_json() for key, state in clusterer.states.items()} == before


def test_a_headline_alone_never_moves():
    options = ClusterOptions()
    headline = (STRAY[0], "")
    clusterer, members = stories(options, {"mysore": [*MYSORE, headline], "sukanya": SUKANYA})
    before = clusterer.states["mysore"].to_json()

    assert members["mysore"][-1].title_only
    assert refine_story(clusterer, "mysore", members["mysore"]) == []
    assert clusterer.states["mysore"].to_json() == before


def test_a_story_emptied_by_moves_is_left_at_size_zero():
    options = ClusterOptions()
    clusterer, members = stories(options, {"stray": [STRAY], "sukanya": SUKANYA})

    moves = refine_story(clusterer, "stray", members["stray"])

    assert moves == [Move(member="stray-0", source="stray", target="sukanya", score=moves[0].score)]
    emptied = clusterer.states["stray"]
    assert (emptied.size, emptied.terms, emptied.entities, emptied.first_seen) == (0, {}, {}, None)
    # Nothing leads to it any more: an article like the stray finds the Sukanya story alone.
    assert clusterer.candidates(members["stray"][0].features, None) == ["sukanya"]


@pytest.mark.parametrize("with_vector", [False, True])
def test_remove_is_the_inverse_of_add(with_vector):
    options = ClusterOptions()
    first, second = (member(str(n), article, options) for n, article in enumerate(MYSORE[:2]))
    vectors = (np.array([0.6, 0.8], dtype=np.float32), np.array([1.0, 0.0], dtype=np.float32))
    state = StoryState()
    state.add(first.features, language="en", at=START, options=options, vector=vectors[0] if with_vector else None)
    alone = state.copy()
    state.add(
        second.features,
        language="de",
        at=START + timedelta(hours=1),
        options=options,
        vector=vectors[1] if with_vector else None,
    )
    assert state.size == 2

    state.remove(
        second.features, language="de", at=START + timedelta(hours=1), vector=vectors[1] if with_vector else None
    )

    assert state.terms.keys() == alone.terms.keys()
    assert all(state.terms[k] == pytest.approx(v) for k, v in alone.terms.items())
    assert state.entities.keys() == alone.entities.keys()
    assert all(state.entities[k] == pytest.approx(v) for k, v in alone.entities.items())
    assert (state.size, state.languages, state.numbers, state.years) == (1, {"en": 1}, alone.numbers, alone.years)
    if with_vector:
        np.testing.assert_allclose(state.vector, vectors[0])
    else:
        assert state.vector is None
    # The window stays a bound (the caller recomputes it from the members it keeps).
    assert (state.first_seen, state.last_seen) == (START, START + timedelta(hours=1))


def test_a_moved_member_takes_its_embedding_along():
    options = ClusterOptions()
    clusterer, members = stories(options, {"mysore": [*MYSORE, STRAY], "sukanya": SUKANYA})
    vectors = {"mysore": np.array([1.0, 0.0], dtype=np.float32), "sukanya": np.array([0.0, 1.0], dtype=np.float32)}
    for key, vector in vectors.items():
        clusterer.states[key].vector = vector * len(members[key])
    # The stray's embedding is Sukanya's, as its words are; everyone else's is their own story's.
    members["mysore"] = [replace(one, vector=vectors["mysore"]) for one in members["mysore"][:3]]
    members["mysore"].append(replace(member("stray", STRAY, options), vector=vectors["sukanya"]))
    clusterer.states["mysore"].vector = vectors["mysore"] * 3 + vectors["sukanya"]

    moves = refine_story(clusterer, "mysore", members["mysore"])

    assert [move.member for move in moves] == ["stray"]
    np.testing.assert_allclose(clusterer.states["mysore"].vector, [3.0, 0.0])
    np.testing.assert_allclose(clusterer.states["sukanya"].vector, [0.0, 3.0])
