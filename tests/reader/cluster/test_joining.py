"""When an article joins a story: a story of one report takes it only above the threshold plus a margin (one outlet's
view is not yet an event), a story of two or more at the threshold; a headline matching two stories merges them
only when a headline merge threshold is set, and not when both have grown past a merge size limit."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.reader.cluster import ClusterOptions, StoryClusterer, StoryState, article_features

MYSORE = (
    "Indian navy foils pirate attack in the Gulf of Aden",
    "An Indian navy warship foiled a pirate attack on a merchant vessel in the Gulf of Aden, the navy said. "
    "INS Mysore repulsed the pirates.",
)
MYSORE_AGAIN = (
    "Navy warship repulses pirates in Gulf of Aden",
    "The warship INS Mysore repulsed pirates who attacked a merchant vessel in the Gulf of Aden, the Indian navy said.",
)
SUKANYA = (
    "Indian navy warship foils pirates in the Gulf of Aden",
    "An Indian navy warship foiled pirates attacking merchant vessels in the Gulf of Aden, an officer said. "
    "INS Sukanya escorted the ships.",
)


def story_of(options, *articles):
    clusterer = StoryClusterer(options)
    clusterer.load("story", StoryState())
    for title, text in articles:
        clusterer.add_to("story", article_features(title, text), language="en", at=None)
    return clusterer


def score_of(options, article, *members):
    """The article's score for a story of these members (no number on any side: the words alone), scored as
    `assign` scores it: a headline alone by the headline knobs."""
    title_only = not article[1].strip()
    return story_of(options, *members).matches(article_features(*article), None, title_only=title_only)[0][0]


def test_a_story_of_one_report_takes_an_article_only_above_the_threshold_plus_the_young_margin():
    words = ClusterOptions(threshold=0.0, young_margin=0.0)
    one, two = score_of(words, SUKANYA, MYSORE), score_of(words, SUKANYA, MYSORE, MYSORE_AGAIN)
    plain = replace(words, threshold=min(one, two) - 0.05)
    margin = replace(plain, young_margin=one - plain.threshold + 0.01)

    assert min(one, two) > 0.3
    assert story_of(plain, MYSORE).assign(title=SUKANYA[0], text=SUKANYA[1]).story == "story"
    assert story_of(margin, MYSORE).assign(title=SUKANYA[0], text=SUKANYA[1]).opened
    # Two reports make an event: the plain threshold again.
    assert story_of(margin, MYSORE, MYSORE_AGAIN).assign(title=SUKANYA[0], text=SUKANYA[1]).story == "story"


def test_a_headline_story_stays_young_up_to_the_title_young_size():
    headlines = [(title, "") for title in (MYSORE[0], MYSORE_AGAIN[0], "Pirates repulsed by Indian navy in Aden")]
    article = (SUKANYA[0], "")
    words = ClusterOptions(title_threshold=0.0, title_young_margin=0.0)
    two, three = score_of(words, article, *headlines[:2]), score_of(words, article, *headlines)
    young = replace(words, title_threshold=min(two, three) - 0.05, title_young_margin=max(two, three))

    assert min(two, three) > 0.1
    # A story of two headlines is past the default young size (1): the plain threshold.
    assert story_of(young, *headlines[:2]).assign(title=article[0]).story == "story"
    # Young up to two: it takes more...
    assert story_of(replace(young, title_young_size=2), *headlines[:2]).assign(title=article[0]).opened
    # ...and three headlines make an event.
    assert story_of(replace(young, title_young_size=2), *headlines).assign(title=article[0]).story == "story"


def test_a_headline_matching_two_stories_merges_them_only_with_a_headline_merge_threshold():
    headlines = ["Mt. Gox files for bankruptcy", "Bitcoin exchange Mt. Gox seeks protection"]
    bridge = "Bitcoin exchange Mt. Gox files for bankruptcy protection"

    def run(options):
        clusterer = StoryClusterer(options)
        for key, title in enumerate(headlines):
            clusterer.load(key, StoryState())
            clusterer.add_to(key, article_features(title), language="en", at=None)
        return clusterer.assign(title=bridge)

    apart = run(ClusterOptions(title_threshold=0.05, title_merge_threshold=None))
    merged = run(ClusterOptions(title_threshold=0.05, title_merge_threshold=0.05))

    assert not apart.opened
    assert apart.merged == ()
    assert merged.merged == (1 - merged.story,)


def test_a_story_opened_after_a_merge_never_takes_the_merged_storys_key():
    clusterer = StoryClusterer(ClusterOptions(title_threshold=0.05, title_merge_threshold=0.05))
    for key, title in enumerate(["Mt. Gox files for bankruptcy", "Bitcoin exchange Mt. Gox seeks protection"]):
        clusterer.load(key, StoryState())
        clusterer.add_to(key, article_features(title), language="en", at=None)
    bridge = clusterer.assign(title="Bitcoin exchange Mt. Gox files for bankruptcy protection")
    later = clusterer.assign(title="Bachelor finale draws record television audience")

    assert bridge.merged == (1 - bridge.story,)
    assert later.opened
    # Under the merged key, `resolve` would report the new story as the one that took the old one in.
    assert later.story not in (0, 1)
    assert clusterer.resolve(later.story) == later.story
    assert clusterer.resolve(1 - bridge.story) == bridge.story


def two_stories(options, size):
    """Stories "a" (INS Mysore) and "b" (INS Sukanya) of `size` reports each, grown side by side."""
    clusterer = StoryClusterer(options)
    for key, (title, text) in (("a", MYSORE), ("b", SUKANYA)):
        clusterer.load(key, StoryState())
        for _ in range(size):
            clusterer.add_to(key, article_features(title, text), language="en", at=None)
    return clusterer


def test_an_article_matching_two_stories_merges_them_unless_both_grew_past_the_merge_max_size():
    anything = ClusterOptions(threshold=0.0, young_margin=0.0, merge_threshold=0.0, number_penalty=0.0)

    def bridged(options, **article):
        return two_stories(options, 3).assign(**article).merged

    full_text = {"title": MYSORE_AGAIN[0], "text": MYSORE_AGAIN[1]}
    assert bridged(replace(anything, merge_max_size=None), **full_text) == ("b",)
    assert bridged(replace(anything, merge_max_size=3), **full_text) == ("b",)  # the smaller is within the limit
    assert bridged(replace(anything, merge_max_size=2), **full_text) == ()
    # Headlines merge by their own threshold, whatever the stories' sizes.
    headlines = replace(anything, merge_max_size=1, title_threshold=0.0, title_merge_threshold=0.0)
    assert len(bridged(headlines, title=MYSORE_AGAIN[0])) == 1


def test_a_headline_matching_two_stories_merges_them_unless_both_grew_past_the_title_merge_max_size():
    anything = ClusterOptions(title_threshold=0.0, title_young_margin=0.0, title_merge_threshold=0.0)
    headline = {"title": MYSORE_AGAIN[0]}
    assert len(two_stories(replace(anything, title_merge_max_size=3), 3).assign(**headline).merged) == 1
    assert two_stories(replace(anything, title_merge_max_size=2), 3).assign(**headline).merged == ()
    assert len(two_stories(replace(anything, title_merge_max_size=None), 40).assign(**headline).merged) == 1
    # By default two topics that each took in more headlines than the limit stay apart; a smaller one still merges.
    limit = ClusterOptions().title_merge_max_size
    assert len(two_stories(anything, limit).assign(**headline).merged) == 1
    assert two_stories(anything, limit + 1).assign(**headline).merged == ()


@pytest.mark.parametrize("at", [None, datetime(2026, 3, 2, 12, tzinfo=UTC)])
def test_candidates_come_by_shared_distinctive_names_then_first_seen_as_counter_most_common_ranks_them(at):
    # Many ties (stories sharing as many names with the article): the order within a tie is the pool's, the order
    # Counter.most_common gives; a story closed at the article's time is no candidate.
    rng = random.Random(4)
    words = [f"word{i}" for i in range(30)]
    clusterer = StoryClusterer(replace(ClusterOptions(), candidate_limit=12))
    start = datetime(2026, 3, 1, tzinfo=UTC)
    for key in range(60):
        clusterer.load(key, StoryState())
        when = start + timedelta(hours=rng.choice([0, 30]))
        text = " ".join(rng.sample(words, 4))
        clusterer.add_to(key, article_features("", text), language="en", at=when)
    features = article_features("", " ".join(words[:12]))

    pool = [key for name in (*features.terms, *features.entities) for key in clusterer._index.get(name, ())]
    counts = Counter(key for key in pool if clusterer.states[key].is_open_at(at, clusterer.options.quiet_period))
    expected = [key for key, _ in counts.most_common(12)]

    found = clusterer.candidates(features, at)
    assert found == expected
    assert len(found) == 12
    assert len({counts[key] for key in found}) < 12  # ties were ranked
