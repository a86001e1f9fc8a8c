"""Search matches inflected forms in each article's language (Snowball stems indexed beside the words), on
SQLite and PostgreSQL alike, and stems never reveal text the display policy hides."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from newsdesk.articles.models import Article
from newsdesk.articles.reindex import search_reindex_due
from newsdesk.articles.search import fts5_match_expression, tsquery_expression
from newsdesk.articles.selectors import article_search
from newsdesk.articles.services import publisher_policy_set
from newsdesk.sources.models import Publisher
from tests.factories import make_article, make_publisher

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

MIGRATION = importlib.import_module("newsdesk.articles.migrations.0006_search_stems")


def found(query: str, **kwargs) -> set[str]:
    return {article.title for article in article_search(query, **kwargs)}


@pytest.fixture
def articles():
    publisher = make_publisher()
    rows = {
        "en": ("Parliament sets the date", "The election will be held in May after a long campaign.", "en"),
        "es": ("El Parlamento fija la fecha", "Las elecciones se celebrarán en mayo tras una larga campaña.", "es"),
        "fr": ("Le Parlement fixe la date", "Les élections auront lieu en mai après une longue campagne.", "fr"),
        "de": (
            "Das Parlament legt den Termin fest",
            "Die Wahlen finden im Mai nach einem langen Wahlkampf statt.",
            "de",
        ),
    }
    for title, body, language in rows.values():
        make_article(publisher, title=title, body_text=body, summary="", language=language)
    return {key: title for key, (title, _, _) in rows.items()}


def test_plural_finds_singular_and_singular_finds_plural(articles):
    assert articles["en"] in found("elections")
    assert found("elecciones") >= {articles["es"]}
    assert articles["es"] in found("elección")
    assert articles["fr"] in found("élection")
    assert articles["de"] in found("Wahl")


def test_every_word_is_still_required(articles):
    assert found("elections campaigns") == {articles["en"]}
    assert found("elections zeppelin") == set()


def test_a_language_narrows_the_results_and_the_stemming(articles):
    assert found("campaña", language="es") == {articles["es"]}
    assert found("elections", language="de") == set()
    assert articles["es"] not in found("elecciones", language="fr")


def test_starred_prefixes_and_exact_words_still_match(articles):
    assert found("parl*") == set(articles.values())
    assert found("termi") == set()  # a bare word is a word (and its stems), not a prefix
    assert found("termi*") == {articles["de"]}
    assert found("Termin") == {articles["de"]}


def test_a_headline_only_article_is_not_found_by_the_stems_of_its_body():
    publisher = make_publisher(policy=Publisher.DisplayPolicy.HEADLINE)
    make_article(publisher, title="Budget vote", body_text="Secret ministers negotiated overnight.", language="en")

    assert found("negotiations") == set()
    assert found("budgets") == {"Budget vote"}


def test_a_policy_change_recomputes_the_stems():
    publisher = make_publisher(policy=Publisher.DisplayPolicy.FULL)
    make_article(
        publisher, title="Harbour", body_text="The councillors negotiated overnight.", summary="", language="en"
    )
    assert found("negotiating") == {"Harbour"}

    publisher_policy_set(publisher=publisher, display_policy=Publisher.DisplayPolicy.HEADLINE)
    search_reindex_due()  # the worker's job

    assert found("negotiating") == set()
    assert Article.objects.get().search_stems == "harbour"


def test_the_migration_fills_the_stems_of_existing_rows():
    article = make_article(make_publisher(), title="Elections", body_text="Voters voted.", summary="", language="en")
    Article.objects.filter(pk=article.pk).update(search_stems="")
    assert found("elections") == {"Elections"}  # the plain word still matches: no regression meanwhile
    assert found("voting") == set()

    MIGRATION.fill_stems(apps, SimpleNamespace(connection=connection))  # the schema editor's one attribute it reads

    assert found("voting") == {"Elections"}


@pytest.mark.parametrize("query", ['"a" OR b*', "NEAR(x y)", "search_stems : x", "a\"'; --"])
def test_hostile_syntax_stays_plain_terms(query):
    from newsdesk.articles.search import query_terms

    terms = query_terms(query)
    assert '"' not in "".join(terms)
    assert ":" not in tsquery_expression(terms).replace(":*", "")
    assert fts5_match_expression(terms).count("search_stems :") == len(terms)
    article_search(query)  # no database error


def test_languages_without_a_stemmer_index_no_stems_and_match_plain_words():
    from newsdesk.reader.stemming import query_stems, stems_of

    assert stems_of("Σεισμός στην Αθήνα", "xx") == ""
    assert query_stems("elections", ("xx",)) == []
    assert fts5_match_expression(["elections"], language="xx") == '"elections"'
    article = make_article(make_publisher(), title="Zeppelin Flug", body_text="", summary="", language="xx")
    assert [a.pk for a in article_search("zeppelin", language="xx")] == [article.pk]
