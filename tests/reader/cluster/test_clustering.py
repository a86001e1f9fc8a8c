"""Streaming story clustering: one event is one story across languages, two similar events stay apart, stories
close after a quiet period, late articles still find their story, and the state round-trips through JSON."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.reader.cluster import (
    ClusterOptions,
    StoryClusterer,
    StoryState,
    article_features,
    clustering_features,
    document_names,
)
from newsdesk.reader.cluster.features import fold

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)

FLOOD_EN = (
    "Floods hit Mitchellfurt as river bursts its banks",
    "Mayor Lena Okafor said on Monday that the Orbe river burst its banks in Mitchellfurt overnight. "
    "Rescue teams from Harwick County evacuated 1200 residents. Okafor asked the Delacroix Institute for help.",
)
FLOOD_FR = (
    "Inondations à Mitchellfurt après la crue de l'Orbe",
    "La maire Lena Okafor a déclaré lundi que l'Orbe avait débordé à Mitchellfurt pendant la nuit. "
    "Les secours du comté de Harwick County ont évacué 1200 habitants. Okafor a sollicité le Delacroix Institute.",
)
FLOOD_DE = (
    "Hochwasser in Mitchellfurt: Orbe tritt über die Ufer",
    "Bürgermeisterin Lena Okafor sagte am Montag, die Orbe sei in Mitchellfurt über die Ufer getreten. "
    "Rettungskräfte aus Harwick County brachten 1200 Bewohner in Sicherheit, so Okafor und das Delacroix Institute.",
)
OTHER_FLOOD_EN = (
    "River Lenne floods Brunsville, 300 evacuated",
    "Heavy rain flooded Brunsville on Monday after the Lenne burst its banks, Mayor Tomas Wreford said. "
    "Calder County crews moved 300 residents to safety and the Marlow Foundation opened two shelters.",
)
MERGER_EN = (
    "Harlan Foods agrees to buy Pellow Dairies",
    "Harlan Foods chief executive Ada Quist said the deal with Pellow Dairies values the company at 4 billion. "
    "Regulators in Calloway will review the merger, Quist told analysts.",
)


def assign(clusterer, article, *, language="en", at=T0, new_key=None):
    title, text = article
    return clusterer.assign(title=title, text=text, language=language, at=at, new_key=new_key)


def test_one_event_in_three_languages_is_one_story_and_similar_events_stay_apart():
    clusterer = StoryClusterer()

    first = assign(clusterer, FLOOD_EN)
    french = assign(clusterer, FLOOD_FR, language="fr", at=T0 + timedelta(hours=1))
    german = assign(clusterer, FLOOD_DE, language="de", at=T0 + timedelta(hours=2))
    other = assign(clusterer, OTHER_FLOOD_EN, at=T0 + timedelta(hours=3))
    merger = assign(clusterer, MERGER_EN, at=T0 + timedelta(hours=3))

    assert first.opened
    assert french.story == first.story
    assert not french.opened
    assert french.score > 0
    assert german.story == first.story
    assert other.opened
    assert other.story != first.story
    assert merger.opened
    assert merger.story not in (first.story, other.story)
    state = clusterer.state_of(first.story)
    assert state.size == 3
    assert state.languages == {"en": 1, "fr": 1, "de": 1}


def test_story_closes_after_the_quiet_period_but_takes_a_late_article_from_its_window():
    clusterer = StoryClusterer(ClusterOptions(quiet_period=timedelta(hours=12)))
    first = assign(clusterer, FLOOD_EN, at=T0)
    assign(clusterer, FLOOD_FR, language="fr", at=T0 + timedelta(hours=6))

    week_later = assign(clusterer, FLOOD_DE, language="de", at=T0 + timedelta(days=7))
    late = assign(clusterer, FLOOD_DE, language="de", at=T0 + timedelta(hours=3))

    assert week_later.opened
    assert late.story == first.story


def test_arrival_order_does_not_split_an_event():
    articles = [(FLOOD_DE, "de"), (FLOOD_EN, "en"), (MERGER_EN, "en"), (FLOOD_FR, "fr"), (OTHER_FLOOD_EN, "en")]
    for order in (articles, list(reversed(articles))):
        clusterer = StoryClusterer()
        stories = {lang + a[0]: assign(clusterer, a, language=lang).story for a, lang in order}
        flood = {stories["en" + FLOOD_EN[0]], stories["fr" + FLOOD_FR[0]], stories["de" + FLOOD_DE[0]]}
        assert len(flood) == 1
        assert len(set(stories.values())) == 3


def test_loaded_state_continues_a_story_as_the_worker_that_built_it_would():
    builder = StoryClusterer()
    first = assign(builder, FLOOD_EN, new_key=41)
    stored = builder.state_of(first.story).to_json()

    worker = StoryClusterer()
    worker.load(41, StoryState.from_json(stored))
    joined = assign(worker, FLOOD_FR, language="fr", new_key=42)

    assert first.story == 41
    assert joined.story == 41
    assert worker.state_of(41).size == 2


def test_state_round_trips_and_junk_state_reads_as_empty():
    clusterer = StoryClusterer()
    key = assign(clusterer, FLOOD_EN).story
    state = clusterer.state_of(key)

    again = StoryState.from_json(state.to_json())

    assert again.size == 1
    assert again.first_seen == T0
    assert again.terms.keys() == state.terms.keys()
    for junk in (None, [], {"v": 99}, {"v": 1, "terms": "x"}, {"v": 1, "first_seen": "not a time"}):
        assert StoryState.from_json(junk).size == 0


def test_articles_without_times_never_close_a_story():
    clusterer = StoryClusterer()
    first = clusterer.assign(title=FLOOD_EN[0], text=FLOOD_EN[1])
    again = clusterer.assign(title=FLOOD_FR[0], text=FLOOD_FR[1], at=T0)

    assert again.story == first.story


@pytest.mark.parametrize(
    ("title", "text", "entity"),
    [
        ("Floods", "The mayor met Lena Okafor in Mitchellfurt.", "okafor"),
        ("Floods", "Le maire a rencontré Lena Okafor à Mitchellfurt.", "mitchellfurt"),
        ("Floods", "It cost 1200 euros in 2026.", "#2026"),
    ],
)
def test_entities_are_capitalized_words_inside_sentences_and_numbers(title, text, entity):
    features = article_features(title, text)

    assert entity in features.entities
    assert "the" not in features.terms
    assert "mayor" not in features.entities  # a lower-case word names nothing


def test_title_case_headline_alone_uses_its_words_as_entities():
    features = article_features("Titanfall To Revive Microsoft's Xbox One Sales")

    assert "~titanf" in features.entities
    assert "titanf" in features.terms


def test_fold_removes_case_and_accents():
    assert fold("Élysée") == "elysee"
    assert fold("Straße") == "strasse"
    assert fold("Plain") == "plain"


def test_a_clusterer_seeded_with_every_article_counted_scores_as_the_one_that_saw_them():
    stream = StoryClusterer()
    counts: Counter = Counter()
    seen = [(FLOOD_EN, "en"), (OTHER_FLOOD_EN, "en"), (MERGER_EN, "en"), (FLOOD_FR, "fr")]
    for hour, (article, language) in enumerate(seen):
        assign(stream, article, language=language, at=T0 + timedelta(hours=hour))
        counts.update(document_names(clustering_features(stream.options, title=article[0], text=article[1])))
    # A new turn's clusterer: the stored counts of every article seen, the open stories loaded as counted in them.
    seeded, unseeded = StoryClusterer(), StoryClusterer()
    seeded.frequencies_seed(len(seen), counts)
    for key, state in stream.states.items():
        seeded.load(key, state.copy(), counted=True)
        unseeded.load(key, state.copy())  # counted from the states' top names alone, as before
    german = clustering_features(stream.options, title=FLOOD_DE[0], text=FLOOD_DE[1])
    keys = list(stream.states)

    expected = stream.scores(stream.weigh(german), keys)
    assert seeded.scores(seeded.weigh(german), keys) == pytest.approx(expected, rel=1e-9)
    assert unseeded.scores(unseeded.weigh(german), keys) != pytest.approx(expected, rel=1e-3)
