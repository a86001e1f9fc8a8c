"""The split and merge pass at a story's close (cluster.regroup): a story of two events splits; a small fragment
merges into its event; the size limit blocks a merge of two grown stories; headlines alone never move; the option
off changes nothing; the pair scores as matrix products equal StoryClusterer.scores."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from newsdesk.reader.cluster import ClusterOptions, StoryClusterer, StoryState, clustering_features
from newsdesk.reader.cluster import pair_scores as pair_scores_module
from newsdesk.reader.cluster.pair_scores import pair_scores
from newsdesk.reader.cluster.regroup import average_link_groups, cohesion_split, regroup_story
from tests.reader.cluster.test_cluster_floor import load_eval_module
from tests.reader.cluster.test_phrase_conflicts import OTHER_EVENT, SAME_EVENT, TEASER
from tests.reader.cluster.test_refine import MYSORE, STRAY, SUKANYA, stories

QUAKE = [
    (
        "Earthquake shakes northern Chile",
        "A magnitude 6.8 earthquake struck northern Chile near Iquique on Tuesday, the seismological service said. "
        "Buildings swayed in Antofagasta and power failed in several towns.",
    ),
    (
        "Strong quake hits Chile near Iquique",
        "The earthquake of magnitude 6.8 hit near Iquique in northern Chile, cutting power in several towns; "
        "buildings swayed as far as Antofagasta, the seismological service said.",
    ),
    (
        "Chile quake cuts power in Iquique",
        "Power failed across Iquique after the magnitude 6.8 earthquake in northern Chile, the seismological service "
        "said; no deaths were reported.",
    ),
]
MYSORE_MORE = (
    "Indian navy says INS Mysore captured pirates",
    "The Indian navy said INS Mysore captured 23 pirates in the Gulf of Aden after they attacked a merchant vessel; "
    "the warship's commandos boarded their boat.",
)
ON = ClusterOptions(regroup_at_close=True)


def members_of(members):
    return lambda story: members.get(story, [])


def test_a_story_of_two_events_splits_at_its_close():
    clusterer, members = stories(ON, {"mixed": [*MYSORE, *QUAKE]})

    done = regroup_story(clusterer, "mixed", members["mixed"], members_of(members))

    assert len(done.parts) == 1
    part = done.parts[0]
    assert set(part.members) == {"mixed-3", "mixed-4", "mixed-5"}  # the quake reports leave
    assert [m.key for m in done.members["mixed"]] == ["mixed-0", "mixed-1", "mixed-2"]
    assert clusterer.states["mixed"].size == 3
    assert clusterer.states[part.story].size == 3
    assert "chile" in clusterer.states[part.story].entities or "chile" in clusterer.states[part.story].terms
    assert done.merges == ()


def test_a_small_fragment_merges_into_its_event():
    clusterer, members = stories(ON, {"mysore": MYSORE[:2], "fragment": [MYSORE[2]], "quake": QUAKE})

    done = regroup_story(clusterer, "fragment", members["fragment"], members_of(members))

    assert done.parts == ()
    assert [(m.source, m.target) for m in done.merges] == [("fragment", "mysore")]
    assert done.merges[0].link >= ON.regroup_merge_bar
    assert clusterer.resolve("fragment") == "mysore"
    assert clusterer.states["mysore"].size == 3
    assert [m.key for m in done.members["mysore"]] == ["mysore-0", "mysore-1", "fragment-0"]


def test_the_size_limit_blocks_a_merge_of_two_grown_stories():
    layout = {"mysore": MYSORE[:2], "rest": [MYSORE[2], MYSORE_MORE]}
    clusterer, members = stories(ON, layout)
    merged = regroup_story(clusterer, "rest", members["rest"], members_of(members))
    assert [(m.source, m.target) for m in merged.merges] == [("rest", "mysore")]  # no limit in the way: 2 <= 5

    limited = replace(ON, regroup_merge_max_size=1)
    clusterer, members = stories(limited, layout)
    kept = regroup_story(clusterer, "rest", members["rest"], members_of(members))
    assert not kept.changed
    assert clusterer.states["rest"].size == 2
    assert clusterer.states["mysore"].size == 2


def test_headlines_alone_never_move():
    clusterer, members = stories(ON, {"mixed": [*MYSORE, *QUAKE, ("Chile quake cuts power", "")]})
    done = regroup_story(clusterer, "mixed", members["mixed"], members_of(members))
    assert "mixed-6" not in done.parts[0].members  # the quake headline stays with the story it joined
    assert "mixed-6" in [m.key for m in done.members["mixed"]]

    headlines = [(title, "") for title, _ in [*MYSORE, *QUAKE]]
    clusterer, members = stories(ON, {"titles": headlines, "mysore": MYSORE})
    assert not regroup_story(clusterer, "titles", members["titles"], members_of(members)).changed
    assert clusterer.states["titles"].size == 6


def test_off_changes_nothing():
    assert ClusterOptions().regroup_at_close  # the product's default
    options = replace(ClusterOptions(), regroup_at_close=False)
    clusterer, members = stories(options, {"mixed": [*MYSORE, *QUAKE], "fragment": [STRAY]})
    before = {key: (state.size, dict(state.terms)) for key, state in clusterer.states.items()}

    done = regroup_story(clusterer, "mixed", members["mixed"], members_of(members))

    assert not done.changed
    assert done.members == {}
    assert {key: (state.size, dict(state.terms)) for key, state in clusterer.states.items()} == before


def test_pair_scores_equal_the_clusterers_join_values():
    # The join's score (StoryClusterer.join_values) of each article against a one-member story of each other, the
    # multi-word names rule included; the name-conflict penalty is left out of the close's pairs (see the module).
    articles = [*MYSORE, *SUKANYA, STRAY, *QUAKE, MYSORE_MORE, TEASER, OTHER_EVENT, SAME_EVENT]
    clusterer = StoryClusterer(replace(ClusterOptions(), name_conflict_penalty=0.0))
    features = [clustering_features(clusterer.options, title=title, text=text) for title, text in articles]
    for key, one in enumerate(features):
        clusterer.load(key, StoryState())
        clusterer.add_to(key, one, language="en", at=None)
    keys = list(range(len(features)))
    directed = np.array([clusterer.join_values(one, keys, at=None) for one in features])
    assert any(one.numbers for one in features)  # the lead numbers' shift is part of what is compared
    teaser, other = len(articles) - 3, len(articles) - 2
    plain = clusterer.scores(clusterer.weigh(features[teaser]), [other])[0]
    assert directed[teaser, other] < plain  # the multi-word names rule is part of what is compared

    pairs = pair_scores(clusterer, features)

    assert np.allclose(pairs, (directed + directed.T) / 2, atol=1e-12)
    assert np.allclose(pair_scores(clusterer, features, 3), pairs[:3], atol=1e-12)
    assert pairs[0, 1] > 0.3 > pairs[0, 7]  # two Mysore reports against Mysore and the quake


def test_the_close_parts_two_organisations_ending_alike_as_the_join_does():
    # "Goldenmouth Reform Alliance" and "Wardbury Reform Alliance": with the rule off, "Reform" and "Alliance" are
    # shared names and the two events' reports link above the merge bar; with it they do not.
    texts = [TEASER, OTHER_EVENT, SAME_EVENT]
    found = {}
    for rule in (False, True):
        clusterer = StoryClusterer(replace(ClusterOptions(), phrase_conflicts=rule))
        features = [clustering_features(clusterer.options, title=title, text=text) for title, text in texts]
        for key, one in enumerate(features):
            clusterer.load(key, StoryState())
            clusterer.add_to(key, one, language="en", at=None)
        found[rule] = pair_scores(clusterer, features)
    assert found[False][0, 1] > found[True][0, 1]
    assert found[True][0, 1] < ON.regroup_merge_bar
    assert found[True][0, 2] == found[False][0, 2]  # the same organisation's report: as before


def test_average_link_groups_stop_at_the_bar():
    similarity = np.array(
        [
            [1.0, 0.9, 0.1, 0.0],
            [0.9, 1.0, 0.3, 0.0],
            [0.1, 0.3, 1.0, 0.5],
            [0.0, 0.0, 0.5, 1.0],
        ]
    )
    assert average_link_groups(similarity, 0.4) == [[0, 1], [2, 3]]
    assert average_link_groups(similarity, 0.1) == [[0, 1, 2, 3]]  # mean link 0.1 of the two pairs' groups
    assert average_link_groups(similarity, 0.95) == [[0], [1], [2], [3]]


def test_average_link_groups_stop_at_a_number_of_groups():
    similarity = np.array([[1.0, 0.9, 0.1], [0.9, 1.0, 0.3], [0.1, 0.3, 1.0]])
    assert average_link_groups(similarity, -np.inf, until=2) == [[0, 1], [2]]


def test_the_cohesion_rule_cuts_two_tight_groups_that_link_loosely():
    # Two groups of three at 0.8 inside, 0.3 across (above an absolute bar of 0.2), and one outlier.
    similarity = np.full((7, 7), 0.3)
    similarity[:3, :3] = similarity[3:6, 3:6] = 0.8
    similarity[6, :] = similarity[:, 6] = 0.05
    similarity[6, :3] = similarity[:3, 6] = 0.1
    np.fill_diagonal(similarity, 1.0)
    group = list(range(7))

    # 0.3 < 0.5 x 0.8: cut; the outlier (a branch smaller than min_size at the top) goes where it links best.
    assert cohesion_split(similarity, group, 0.5, 3) == [[0, 1, 2, 6], [3, 4, 5]]
    assert cohesion_split(similarity, group, 0.3, 3) == [group]  # 0.3 >= 0.3 x 0.8
    assert cohesion_split(similarity, group, 0.0, 3) == [group]  # off
    assert cohesion_split(similarity, group, 0.5, 4) == [group]  # branches of three: too small to cut


def test_a_story_of_two_sibling_events_splits_by_cohesion_and_the_parts_stay_apart():
    # Two pirate captures told in the same words link above the split bar (the absolute rule keeps them one story),
    # far below how each capture's reports link among themselves.
    layout = {"mixed": [*MYSORE, *SUKANYA]}
    clusterer, members = stories(ON, layout)
    assert not regroup_story(clusterer, "mixed", members["mixed"], members_of(members)).changed

    cohesive = replace(ON, regroup_cohesion_ratio=0.5, regroup_cohesion_min_size=2)
    clusterer, members = stories(cohesive, layout)
    done = regroup_story(clusterer, "mixed", members["mixed"], members_of(members))

    assert [set(part.members) for part in done.parts] == [{"mixed-3", "mixed-4"}]  # the Sukanya reports leave
    # Their link to the Mysore part clears the merge bar, but a close's own parts never take each other back in.
    assert done.merges == ()
    assert clusterer.states["mixed"].size == 3


def test_the_bench_stream_runs_the_pass_when_the_option_is_on():
    # Knobs under which every article joins the first story it shares a name with (as early wrong joins would; the
    # quake reports share "merchant vessel" with the Mysore story, their lead numbers disagree): the pass splits it.
    loose = replace(ClusterOptions(), threshold=-1.0, young_margin=0.0, merge_threshold=None, regroup_at_close=False)
    port = [(title, f"{text} A merchant vessel was damaged in the port.") for title, text in QUAKE]
    rows = [{"id": f"r{n}", "title": title, "text": text} for n, (title, text) in enumerate([*MYSORE, *port])]

    def run(options):
        stream = load_eval_module().Stream(options)
        for row in rows:
            stream.add(row)
        return stream, stream.finish()

    stream, off = run(loose)
    assert len(set(off.values())) == 1
    assert stream.regrouped == 0

    stream, on = run(replace(loose, regroup_at_close=True))
    assert set(on) == set(off)
    assert len({on[f"r{n}"] for n in range(3)}) == 1
    assert len({on[f"r{n}"] for n in range(3, 6)}) == 1
    assert on["r0"] != on["r3"]
    assert stream.regrouped == 1  # one split, no merge


def test_every_member_stays_in_one_story_after_a_split():
    clusterer, members = stories(ON, {"mixed": [*MYSORE, *QUAKE, ("Chile quake cuts power", "")]})
    done = regroup_story(clusterer, "mixed", members["mixed"], members_of(members))
    everyone = sorted(member.key for story in done.members.values() for member in story)
    assert everyone == sorted(member.key for member in members["mixed"])
    assert sum(clusterer.states[story].size for story in done.members) == len(members["mixed"])


def test_the_members_cap_bounds_what_a_close_reads_and_splits():
    # A closing story of more full-text members than the cap is left to the refinement.
    clusterer, members = stories(replace(ON, regroup_max_members=5), {"mixed": [*MYSORE, *QUAKE]})
    assert not regroup_story(clusterer, "mixed", members["mixed"], members_of(members)).changed
    assert clusterer.states["mixed"].size == 6

    # A candidate story that would pass the cap is not read, so the fragment does not merge into it.
    layout = {"mysore": MYSORE[:2], "fragment": [MYSORE[2]], "quake": QUAKE}
    read = []
    clusterer, members = stories(replace(ON, regroup_max_members=1), layout)
    done = regroup_story(clusterer, "fragment", members["fragment"], lambda story: read.append(story) or [])
    assert (done.changed, read) == (False, [])
    clusterer, members = stories(replace(ON, regroup_max_members=2), layout)
    done = regroup_story(clusterer, "fragment", members["fragment"], members_of(members))
    assert [(m.source, m.target) for m in done.merges] == [("fragment", "mysore")]


def test_a_part_split_off_is_keyed_apart_from_any_database_id_its_row_may_get():
    # stories.closing keys stories by their rows' ids and gives a part its row's id after the split: with stories 1
    # and 2 loaded and 0 merged away (an earlier part renamed), an int counter's next key was 3 — the id the part's
    # own row then got, so the row's empty state replaced the part's (KeyError, demo world seed 11).
    clusterer, members = stories(ON, {"mixed": [*MYSORE, *QUAKE]})
    for pk in (1, 2):
        clusterer.load(pk, StoryState(), counted=True)
    clusterer.merged_into[0] = 1

    done = regroup_story(clusterer, "mixed", members["mixed"], members_of(members))

    (part,) = done.parts
    assert not isinstance(part.story, int)
    assert part.story not in (0, 1, 2, "mixed")
    assert clusterer.states[part.story].size == 3
    assert clusterer.new_story() not in (part.story, 3)


def test_dense_products_through_the_lookup_array_equal_the_binary_search_exactly(monkeypatch):
    # Vocabulary ids take the lookup array, lead numbers' hashes (negative, huge) the binary search: both place a
    # column alike, so the pair scores are the same bit for bit.
    rng = np.random.default_rng(5)

    def rows(count, spread, offset=0):
        return [
            (cols := np.unique(rng.integers(0, spread, rng.integers(0, 30))) + offset, rng.random(len(cols)))
            for _ in range(count)
        ]

    left, right = rows(6, 400), rows(40, 400)
    hashed = rows(3, 1 << 40, offset=-(1 << 41))
    direct, numbers = pair_scores_module._dense(left, right), pair_scores_module._dense(hashed, [*hashed, *right])
    monkeypatch.setattr(pair_scores_module, "DIRECT_COLUMNS", 0)
    assert np.array_equal(pair_scores_module._dense(left, right), direct)
    assert np.array_equal(pair_scores_module._dense(right, left), direct.T)
    assert np.array_equal(pair_scores_module._dense(hashed, [*hashed, *right]), numbers)
    assert np.diag(numbers[:, :3]).all()
    assert not numbers[:, 3:].any()
    reference = np.zeros((6, 40))
    for i, (columns, weights) in enumerate(left):
        for j, (others, values) in enumerate(right):
            shared, mine, theirs = np.intersect1d(columns, others, return_indices=True)
            reference[i, j] = (weights[mine] * values[theirs]).sum() if len(shared) else 0.0
    assert np.allclose(direct, reference, atol=1e-12)
    assert direct.any()
    assert pair_scores_module._dense([(np.zeros(0, dtype=np.int64), np.zeros(0))], right).shape == (1, 40)


def test_lead_numbers_meet_in_the_pair_scores_only_when_their_digits_are_the_same():
    sets = [
        frozenset({"23", "2011"}),
        frozenset({"26", "2011"}),
        frozenset({"12"}),
        frozenset({"\u0661\u0662"}),  # Arabic-Indic 12: another string, as the stories' own numbers count it
        frozenset({"1234567", "23"}),
        frozenset({"1234567"}),
        frozenset(),
    ]
    rows = [pair_scores_module._number_columns(numbers) for numbers in sets]

    met = pair_scores_module._dense(rows, rows) > 0

    expected = np.array([[bool(one & other) for other in sets] for one in sets])
    assert np.array_equal(met, expected)
    assert met[0, 1]
    assert not met[2, 3]
