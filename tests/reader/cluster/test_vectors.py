"""The vectorized story scoring gives what the formula says, story by story in plain Python: TF-IDF cosine of
terms mixed with the IDF-weighted share of entities over the smaller side's total (a story's top 25)."""

from __future__ import annotations

import math
import random

import pytest

from newsdesk.reader.cluster import ClusterOptions, StoryClusterer, StoryState
from newsdesk.reader.cluster.features import article_features
from newsdesk.reader.cluster.state import _top
from newsdesk.reader.cluster.vectors import ARTICLE_ENTITIES, PerVersion, Vocabulary, score_rows, story_row, weigh


def _reference(vocabulary, article_terms, article_entities, story, entity_weight):
    """The score of one article against one story, term by term (the pre-numpy implementation)."""

    def idf(name):
        column = vocabulary.ids.get(name)
        df = vocabulary.df[column] if column is not None else 0.0
        return math.log((vocabulary.docs + 1) / (df + 1)) + 1.0

    def top(bag, limit):
        return dict(sorted(bag.items(), key=lambda item: -item[1])[:limit])

    terms, entities, size = story
    a_terms = top({t: w * idf(t) for t, w in article_terms.items()}, 40)
    a_entities = top({e: min(w, 2.0) * idf(e) for e, w in article_entities.items()}, ARTICLE_ENTITIES)
    a_norm = math.sqrt(sum(v * v for v in a_terms.values()))
    dot = sum(a * terms[t] / size * idf(t) for t, a in a_terms.items() if t in terms)
    s_norm = math.sqrt(sum((c / size * idf(t)) ** 2 for t, c in terms.items()))
    cosine = dot / (a_norm * s_norm) if dot and s_norm else 0.0
    shared = sum(w * min(1.0, entities[e] / size * 2) for e, w in a_entities.items() if e in entities)
    story_total = sum(
        sorted((min(1.0, c / size * 2) * idf(e) for e, c in entities.items()), reverse=True)[:ARTICLE_ENTITIES]
    )
    a_total = sum(a_entities.values())
    total = min(a_total, story_total) if a_total else 0.0
    share = min(1.0, shared / total) if total else cosine
    return (1 - entity_weight) * cosine + entity_weight * share


def _bag(rng, words, count):
    # Real-valued weights: no ties at a top-k cut, where either side may keep either of two equals.
    return {rng.choice(words): rng.uniform(0.5, 4.0) for _ in range(count)}


@pytest.mark.parametrize("seed", range(6))
def test_scores_of_many_stories_at_once_equal_the_formula_story_by_story(seed):
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(120)]
    names = [f"n{i}" for i in range(80)]
    vocabulary = Vocabulary()
    for _ in range(50):  # a running document frequency, as after 50 articles
        vocabulary.count({*rng.sample(words, 12), *rng.sample(names, 4)})
        vocabulary.docs += 1
    stories = [
        (_bag(rng, words, rng.randint(0, 60)), _bag(rng, names, rng.randint(0, 40)), rng.randint(1, 9))
        for _ in range(12)
    ]
    stories.append(({}, {}, 1))  # a story with nothing yet
    article_terms = _bag(rng, words, rng.randint(1, 70))
    article_entities = _bag(rng, names, rng.randint(0, 30)) if seed else {}
    rows = [story_row(vocabulary, terms, entities, size) for terms, entities, size in stories]

    got = score_rows(vocabulary, weigh(vocabulary, article_terms, article_entities), rows, 0.4, ARTICLE_ENTITIES)

    expected = [_reference(vocabulary, article_terms, article_entities, story, 0.4) for story in stories]
    assert got.tolist() == pytest.approx(expected, abs=1e-9)
    assert max(expected) > 0  # the random bags do overlap: the comparison is not between zeros


def test_no_candidates_score_nothing_and_the_vocabulary_grows_keeping_counts():
    vocabulary = Vocabulary()
    vocabulary.count(["early"], [3])
    names = [f"name{i}" for i in range(5000)]

    columns = vocabulary.columns(names)

    assert len(set(columns.tolist())) == 5000
    assert len(vocabulary.df) >= 5001
    assert vocabulary.df[vocabulary.ids["early"]] == 3
    assert not vocabulary.scratch.any()
    assert score_rows(vocabulary, weigh(vocabulary, {"early": 1.0}, {}), [], 0.4, 25).size == 0


def test_a_story_keeps_its_heaviest_names_ties_broken_by_name():
    bag = {"d": 1.0, "c": 2.0, "b": 1.0, "a": 1.0, "e": 3.0}

    assert _top(bag, 3) == {"e": 3.0, "c": 2.0, "a": 1.0}
    assert _top(bag, 4) == {"e": 3.0, "c": 2.0, "a": 1.0, "b": 1.0}
    assert _top(bag, 5) is bag


def test_an_article_is_weighed_once_per_version_of_the_frequencies():
    clusterer = StoryClusterer(ClusterOptions())
    first = article_features("Flood hits Valencia", "Floods hit Valencia after storms, officials in Valencia said.")
    clusterer.load("a", StoryState())
    clusterer.add_to("a", first, language="en", at=None)
    weighed = clusterer.weigh(first)
    assert clusterer.weigh(first) is weighed  # nothing counted since: the same weights
    later = article_features("Storms in Spain", "Storms and floods across Spain; Valencia worst hit.")
    clusterer.add_to("a", later, language="en", at=None)  # counted: Valencia and floods weigh less now
    again = clusterer.weigh(first)
    assert again is not weighed
    assert again.term_norm != weighed.term_norm
    vocabulary = clusterer.vocabulary
    version = vocabulary.version
    vocabulary.docs += 0  # any write of the document count is a new version
    assert vocabulary.version > version
    assert clusterer.weigh(first) is not again


def test_values_per_version_are_made_once_until_the_frequencies_change():
    vocabulary = Vocabulary()
    kept = PerVersion(vocabulary)
    made = []
    bag = {"valencia": 1.0}

    def make(thing):
        made.append(thing)
        return len(made)

    assert kept.get(bag, make) == kept.get(bag, make) == 1
    assert kept.get(dict(bag), make) == 2  # an equal object is another object
    vocabulary.count(["valencia"])
    assert kept.get(bag, make) == 3
    vocabulary.docs += 1
    assert kept.get(bag, make) == 4
    assert len(made) == 4
