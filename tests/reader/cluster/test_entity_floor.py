"""The entity share of a full-text score is over the smaller side's entity total, but never over less than
ClusterOptions.entity_floor of the article's own: a one-sentence report naming one place is not a story that every
article naming that place shares all its names with (ECB+: the 2013 Paris ram raid took the 2008 Harry Winston
heist's first report, whose one name was "Paris", at entity share 1.0)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from newsdesk.reader.cluster import ClusterOptions, StoryClusterer, StoryState, article_features
from newsdesk.reader.cluster.vectors import ARTICLE_ENTITIES, Vocabulary, score_parts, story_row, weigh

WINSTON = (
    "Four armed robbers made off with jewels from a store in Paris",
    "Four armed robbers -- two dressed as women -- made off with jewels worth millions from a store in Paris.",
)
RAM_RAID = (
    "Ram raiders hit jewellery store",
    "Four men rammed their car into a jewellery store near Place Vendome in Paris on Monday, AFP said. The heist is "
    "the latest to hit France after a string of robberies in Cannes, police spokesman Dupont told Le Parisien. The "
    "jeweller Chaumet asked Interpol and Europol for help, Reuters reported.",
)


def _clusterer(options: ClusterOptions) -> StoryClusterer:
    clusterer = StoryClusterer(options)
    clusterer.load("winston", StoryState())
    clusterer.add_to("winston", article_features(*WINSTON), language="en", at=None)
    return clusterer


def test_the_share_is_never_over_less_than_the_floor_of_the_articles_own_entities():
    vocabulary = Vocabulary()
    vocabulary.count(["paris", "vendome", "cannes", "dupont"])
    vocabulary.docs = 1
    article = weigh(vocabulary, {"store": 1.0}, {"paris": 1.0, "vendome": 1.0, "cannes": 1.0, "dupont": 1.0})
    story = [story_row(vocabulary, {"store": 1.0}, {"paris": 1.0}, 1)]  # its one name: the article's first

    _, over_smaller = score_parts(vocabulary, article, story, ARTICLE_ENTITIES)
    _, floored = score_parts(vocabulary, article, story, ARTICLE_ENTITIES, 0.5)

    assert np.allclose(over_smaller, [1.0])  # the story's whole entity total is shared: 1.0 without a floor
    assert np.allclose(floored, [0.5])  # over half the article's four equal names: one of two


def test_a_one_name_story_does_not_take_an_article_by_that_name_alone():
    defaults = ClusterOptions()
    unfloored = replace(defaults, entity_floor=0.0)

    assert defaults.entity_floor > 0
    floored_score = _clusterer(defaults).scores(_clusterer(defaults).weigh(article_features(*RAM_RAID)), ["winston"])[0]
    # The same article and story without the floor: "Paris" alone made the entity share 1.0 and the join.
    assert _clusterer(unfloored).assign(title=RAM_RAID[0], text=RAM_RAID[1]).story == "winston"
    assert _clusterer(defaults).assign(title=RAM_RAID[0], text=RAM_RAID[1]).opened
    assert floored_score < defaults.threshold + defaults.young_margin


def test_an_article_sharing_the_story_s_names_still_joins_it():
    again = (
        "Robbers dressed as women steal millions in Paris jewels",
        "Armed robbers, two of them dressed as women, stole jewels worth millions from a store in Paris.",
    )

    assert _clusterer(ClusterOptions()).assign(title=again[0], text=again[1]).story == "winston"
