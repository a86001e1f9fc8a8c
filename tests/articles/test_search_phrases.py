"""Quoted phrases stay phrases, `word*` is a prefix, and the category filter narrows a search — on SQLite and
PostgreSQL alike, in both orders."""

from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.articles.models import Category
from newsdesk.articles.search import MAX_TERMS, Clause, SearchFilter, parse_query, query_terms
from newsdesk.articles.selectors import article_search
from tests.factories import make_article, make_publisher

pytestmark = [pytest.mark.postgres]

BASE = datetime(2026, 11, 1, tzinfo=UTC)


def titles(query: str, **kwargs) -> list[str]:
    return [article.title for article in article_search(query, **kwargs)]


def test_a_query_splits_into_phrases_prefixes_and_words():
    assert parse_query('"General  Strike" pari* vote "" vote') == [
        Clause(("general", "strike"), quoted=True),
        Clause(("pari",), prefix=True),
        Clause(("vote",)),
    ]
    # An unclosed quote is punctuation; hostile syntax is words.
    assert parse_query('"general strike') == [Clause(("general",)), Clause(("strike",))]
    assert parse_query("NEAR(a b) OR c*") == [
        Clause(("near",)),
        Clause(("a",)),
        Clause(("b",)),
        Clause(("or",)),
        Clause(("c",), prefix=True),
    ]
    assert query_terms('"general strike" general') == ["general", "strike"]


def test_a_query_keeps_at_most_max_terms_words():
    words = " ".join(f"w{i}" for i in range(MAX_TERMS + 5))

    assert sum(len(clause.words) for clause in parse_query(f'"{words}" more')) == MAX_TERMS
    assert len(parse_query(words)) == MAX_TERMS


@pytest.fixture
def strikes():
    publisher = make_publisher()
    return {
        "phrase": make_article(
            publisher, title="General strike in Paris", body_text="Unions marched.", published_at=BASE
        ),
        "apart": make_article(
            publisher,
            title="Strike talks",
            body_text="The general assembly met before the strike.",
            published_at=BASE - timedelta(days=1),
        ),
        "reversed": make_article(
            publisher, title="Union news", body_text="A strike general in scope.", published_at=BASE - timedelta(days=2)
        ),
    }


@pytest.mark.django_db
def test_a_quoted_phrase_matches_its_words_in_order_and_next_to_each_other(strikes):
    assert titles('"general strike"') == ["General strike in Paris"]
    assert titles('"strike general"') == ["Union news"]
    assert set(titles("general strike")) == {a.title for a in strikes.values()}
    assert titles('"general strike" unions') == ["General strike in Paris"]
    assert titles('"general strike" assembly') == []


@pytest.mark.django_db
def test_a_phrase_is_matched_as_written_without_stems(strikes):
    make_article(make_publisher(), title="Generals striking", body_text="", summary="")

    assert "Generals striking" in titles("general strike")  # bare words: stems match
    assert titles('"general strikes"') == []
    assert titles('"general strike"', search=SearchFilter(order="date")) == ["General strike in Paris"]


@pytest.mark.django_db
def test_a_star_makes_a_prefix_of_two_three_or_more_letters():
    publisher = make_publisher()
    make_article(publisher, title="Zeppelin lands", body_text="", summary="")
    make_article(publisher, title="Zebra escapes", body_text="", summary="")

    assert set(titles("ze*")) == {"Zeppelin lands", "Zebra escapes"}
    assert titles("zep*") == ["Zeppelin lands"]
    assert titles("zeppe*") == ["Zeppelin lands"]
    assert titles("zepx*") == []


@pytest.mark.django_db
@pytest.mark.parametrize("order", ["relevance", "date"])
def test_the_category_filter_narrows_the_matches_in_either_order(order):
    politics = Category.objects.create(name="Politics", slug="politics")
    publisher = make_publisher()
    inside = make_article(publisher, title="Vote today", published_at=BASE)
    inside.category = politics
    inside.save()
    make_article(publisher, title="Vote counted", published_at=BASE + timedelta(hours=1))

    found = article_search("vote", search=SearchFilter(category_id=politics.pk, order=order))

    assert [a.pk for a in found] == [inside.pk]
    assert len(article_search("vote", search=SearchFilter(order=order))) == 2
