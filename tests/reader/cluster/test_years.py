"""Written years: what a text says of when it was written (a dateline, "Published: July 13, 2009"), read whether or
not a publish time came with it. A story counts the years its dated members were written in; an article written years away from all
the years they agree on is another event of the same kind (the Iran quake of 2005, the Indonesian one of 2013) and
scores `year_penalty` less. A year apart is not enough: an event's follow-ups (a trial) come the next year."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from newsdesk.reader.cluster import ClusterOptions, StoryClusterer, StoryState, article_features
from newsdesk.reader.cluster.features import DATE_CHARS, written_year

QUAKE_2005 = (
    "Powerful earthquake hits southern Iran, ten dead",
    "Monday, 28 November 2005, 02:24 GMT\nA powerful earthquake hit an island off southern Iran on Sunday, killing "
    "at least ten people and damaging villages, state media said.",
)
QUAKE_2005_AGAIN = (
    "Earthquake kills ten on island off southern Iran",
    "Published: November 28, 2005\nA powerful earthquake struck an island off southern Iran, killing ten people and "
    "damaging villages, state television said.",
)
QUAKE_2013 = (
    "Powerful earthquake hits island, ten dead",
    "April 6, 2013\nA powerful earthquake hit an island on Sunday, killing at least ten people and damaging "
    "villages, state media said.",
)
QUAKE_2006 = (QUAKE_2013[0], QUAKE_2013[1].replace("2013", "2006"))
QUAKE_UNDATED = (QUAKE_2013[0], QUAKE_2013[1].replace("April 6, 2013\n", ""))


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("Published: July 13, 2009\nThe foundation congratulates", 2009),
        ("Last Updated: Monday, 28 November 2005, 02:24 GMT", 2005),
        ("Tuesday, 12th March 2013 - the", 2013),
        ("Le 4 août 2013, un séisme", 2013),
        ("Am 4. August 2013 bebte", 2013),
        ("El 4 de agosto de 2013 un sismo", 2013),
        ("Posted 2013-03-12 10:00", 2013),
        ("Updated 4 / 9 / 2007 6:04 PM", 2007),
        ("Published: 2012. 08. 08 09:01 AM", 2012),
        # A year alone is the background's as often as the article's; a magnitude is no date.
        ("Matt Smith will take up the role in 2010.", None),
        ("A magnitude 4. 6 quake, 2013 people", None),
        ("x" * DATE_CHARS + " July 13, 2009", None),  # below the top: a date of the background
        ("", None),
    ],
)
def test_the_written_year_is_the_year_of_the_first_written_date_near_the_top(text, year):
    assert written_year(text) == year
    assert article_features("Headline", text).year == year


def penalty_of(options, story, article):
    """The article's score for a story of these reports with its year given, minus with it not given."""
    clusterer = StoryClusterer(options)
    clusterer.load("story", StoryState())
    for title, text in story:
        clusterer.add_to("story", article_features(title, text), language="en", at=None)
    features = article_features(*article)
    weighed = clusterer.weigh(features)
    [plain] = clusterer.scores(weighed, ["story"])
    [dated] = clusterer.scores(weighed, ["story"], year=features.year)
    return plain - dated


def test_an_article_written_years_from_the_storys_dated_members_scores_less_a_year_apart_does_not():
    options = ClusterOptions(year_penalty=0.1, year_gap=2)
    story = (QUAKE_2005, QUAKE_2005_AGAIN)

    assert penalty_of(options, story, QUAKE_2013) == pytest.approx(0.1)
    assert penalty_of(options, story, QUAKE_2006) == 0.0
    assert penalty_of(options, story, QUAKE_2005_AGAIN) == 0.0
    assert penalty_of(options, (QUAKE_UNDATED,), QUAKE_2013) == 0.0  # an undated story says nothing
    assert penalty_of(replace(options, year_gap=1), story, QUAKE_2006) == pytest.approx(0.1)
    assert penalty_of(replace(options, year_penalty=0.0), story, QUAKE_2013) == 0.0


def test_the_other_years_report_joins_on_words_alone_and_opens_its_own_story_with_years():
    """The two quakes' reports share almost every word: with the threshold just under their words' score, the
    years they were written in are what part them (the default options)."""

    def third_report(options, article):
        clusterer = StoryClusterer(options)
        key = clusterer.assign(title=QUAKE_2005[0], text=QUAKE_2005[1]).story
        clusterer.assign(title=QUAKE_2005_AGAIN[0], text=QUAKE_2005_AGAIN[1])
        return key, clusterer.assign(title=article[0], text=article[1])

    words_only = ClusterOptions(year_penalty=0.0, number_penalty=0.0, number_bonus=0.0, young_margin=0.0)
    words_score = third_report(replace(words_only, threshold=0.0), QUAKE_2013)[1].score
    words_only = replace(words_only, threshold=words_score - 0.05)
    plain_key, plain = third_report(words_only, QUAKE_2013)
    dated_key, dated = third_report(replace(words_only, year_penalty=ClusterOptions().year_penalty), QUAKE_2013)
    _, next_year = third_report(replace(words_only, year_penalty=ClusterOptions().year_penalty), QUAKE_2006)

    assert words_score > 0.3
    assert plain.story == plain_key
    assert dated.opened
    assert dated.story != dated_key
    assert next_year.story == dated_key


def test_the_written_year_counts_for_articles_that_came_with_a_publish_time_too():
    """The year is read from the text of every article, not only of those without a publish time: two reports
    published the same hour whose datelines are eight years apart score `year_penalty` less together."""
    at = datetime(2013, 4, 6, 12, tzinfo=UTC)
    options = ClusterOptions(year_penalty=0.1, year_gap=2, threshold=-1.0, young_margin=0.0, number_penalty=0.0)
    clusterer = StoryClusterer(options)
    clusterer.load("story", StoryState())
    for title, text in (QUAKE_2005, QUAKE_2005_AGAIN):
        clusterer.add_to("story", article_features(title, text), language="en", at=at)
    features = article_features(*QUAKE_2013)
    weighed = clusterer.weigh(features)

    assert features.year == 2013
    [(joined, key)] = clusterer.matches(features, at)
    assert key == "story"
    assert clusterer.scores(weighed, ["story"])[0] - joined == pytest.approx(0.1)


def test_years_count_per_member_through_merges_and_stored_state_and_old_states_have_none():
    options = ClusterOptions()
    state = StoryState()
    state.add(article_features(*QUAKE_2005), language="en", at=None, options=options)
    other = StoryState()
    for article in (QUAKE_2005_AGAIN, QUAKE_2013, QUAKE_UNDATED):
        other.add(article_features(*article), language="en", at=None, options=options)

    state.merge(other, options)
    again = StoryState.from_json(state.to_json())
    old = state.to_json()
    del old["years"]

    assert state.years == {2005: 2, 2013: 1}
    assert again.years == state.years
    assert again.agreed_years(0.5) == {2005}
    assert again.agreed_years(0.3) == {2005, 2013}
    assert StoryState.from_json(old).years == {}
    assert "years" not in StoryState().to_json()
