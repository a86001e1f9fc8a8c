"""A full-text report after its story's quiet period (the next day's follow-up) still joins it when it scores the
late margin over the bar, up to the late period; a headline alone never does, and a weak late match opens its own."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from newsdesk.reader.cluster import ClusterOptions, StoryClusterer
from tests.reader.cluster.test_clustering import FLOOD_DE, FLOOD_EN, FLOOD_FR, MERGER_EN, T0, assign

OPTIONS = ClusterOptions(quiet_period=timedelta(hours=12), late_period=timedelta(hours=48), late_margin=0.2)


def flood_story(options: ClusterOptions = OPTIONS) -> tuple[StoryClusterer, object]:
    clusterer = StoryClusterer(options)
    first = assign(clusterer, FLOOD_EN, at=T0)
    assign(clusterer, FLOOD_FR, language="fr", at=T0 + timedelta(hours=2))
    return clusterer, first.story


def test_a_full_text_report_the_next_day_joins_its_story_past_the_quiet_period():
    clusterer, story = flood_story()

    next_day = assign(clusterer, FLOOD_DE, language="de", at=T0 + timedelta(hours=22))

    assert next_day.story == story
    assert not next_day.opened
    assert next_day.score >= OPTIONS.threshold + OPTIONS.late_margin
    assert clusterer.state_of(story).languages == {"en": 1, "fr": 1, "de": 1}


def test_without_a_late_period_the_quiet_period_closes_the_story_to_it():
    clusterer, story = flood_story(replace(OPTIONS, late_period=None))

    next_day = assign(clusterer, FLOOD_DE, language="de", at=T0 + timedelta(hours=22))

    assert next_day.opened
    assert next_day.story != story


def test_past_the_late_period_a_report_opens_its_own_story():
    clusterer, story = flood_story()

    days_later = assign(clusterer, FLOOD_DE, language="de", at=T0 + timedelta(hours=2 + 49))
    before = assign(clusterer, FLOOD_DE, language="de", at=T0 - timedelta(hours=49))

    assert days_later.opened
    assert days_later.story != story
    assert before.opened
    assert before.story not in (story, days_later.story)


def test_a_late_match_must_clear_the_margin_over_the_bar():
    clusterer, story = flood_story()
    late = T0 + timedelta(hours=22)

    assert clusterer.join_bar(story) == OPTIONS.threshold
    assert clusterer.join_bar(story, at=T0 + timedelta(hours=10)) == OPTIONS.threshold
    assert clusterer.join_bar(story, at=late) == OPTIONS.threshold + OPTIONS.late_margin
    # A margin no score reaches: the next day's report opens its own story.
    strict = StoryClusterer(replace(OPTIONS, late_margin=2.0))
    assign(strict, FLOOD_EN, at=T0)
    assign(strict, FLOOD_FR, language="fr", at=T0 + timedelta(hours=2))
    assert assign(strict, FLOOD_DE, language="de", at=late).opened


def test_a_headline_alone_keeps_the_quiet_period():
    clusterer, story = flood_story()
    title = FLOOD_DE[0]

    next_day = clusterer.assign(title=title, language="de", at=T0 + timedelta(hours=22))
    same_day = clusterer.assign(title=title, language="de", at=T0 + timedelta(hours=8))

    assert next_day.opened
    assert same_day.story == story


def test_the_late_period_widens_the_window_callers_load_stories_for():
    assert OPTIONS.join_window == timedelta(hours=48)
    assert replace(OPTIONS, late_period=None).join_window == timedelta(hours=12)
    assert replace(OPTIONS, late_period=timedelta(hours=6)).join_window == timedelta(hours=12)


def test_an_unrelated_report_the_next_day_stays_apart():
    clusterer, story = flood_story()

    merger = assign(clusterer, MERGER_EN, at=T0 + timedelta(hours=22))

    assert merger.opened
    assert merger.story != story
