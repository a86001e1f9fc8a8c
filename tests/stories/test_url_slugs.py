"""The stories pipeline gives the clusterer each article's URL: a headline stored without text joins its story
through its slug's words when the headline says it in other words, and a story rebuilt from its members (an
edited member leaves it) keeps the slugs' words."""

from __future__ import annotations

import pytest

from newsdesk.stories.models import Story
from newsdesk.stories.services import articles_stories_revise, story_assign
from tests.factories import make_article, make_publisher

pytestmark = pytest.mark.django_db


def headline(publisher, title: str, path: str):
    return make_article(
        publisher, title=title, canonical_url=f"{publisher.homepage}{path}", summary="", body_text="", body_html=""
    )


def test_a_headline_in_other_words_joins_its_story_through_its_url_slug():
    publisher = make_publisher()
    first = headline(
        publisher,
        "Sbarro pizza chain files for bankruptcy again",
        "2014/03/sbarro_pizza_chain_files_for_bankruptcy_for_second_time.html",
    )
    other = headline(publisher, "Bitcoin exchange closes its doors", "business/mt-gox-bitcoin-exchange-shuts-down/")
    again = headline(
        publisher,
        "Restaurant operator seeks court protection",
        "news/2014/03/11/sbarro-files-for-bankruptcy-again-1.12345",
    )

    story = story_assign(article=first)
    assert story_assign(article=other) != story
    assert story_assign(article=again) == story

    # `again` edited in place leaves the story, which is rebuilt from `first` alone: with its slug's words.
    articles_stories_revise(articles=[again])
    story = Story.objects.get(pk=story.pk)
    assert "second" in story.state["terms"]
    assert "sbarro" in story.state["terms"]
    assert story_assign(article=again) == story  # back in, through its slug again
