"""Publisher.language, Story.language and Story.languages hold BCP 47 primary subtags: normalised on every write by
the fields, and what older versions stored is normalised by migrations sources/0004 and stories/0002 (as
articles/0005 did for Article.language) — on SQLite and PostgreSQL alike."""

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.sources.models import Publisher
from newsdesk.stories.models import Story
from tests.factories import make_article, make_publisher

pytestmark = pytest.mark.django_db

ARTICLES = importlib.import_module("newsdesk.articles.migrations.0005_language_primary_tags")
SOURCES = importlib.import_module("newsdesk.sources.migrations.0004_language_primary_tags")
STORIES = importlib.import_module("newsdesk.stories.migrations.0002_language_primary_tags")
CANONICAL = {
    app: importlib.import_module(f"newsdesk.{app}.migrations.{name}")
    for app, name in [
        ("articles", "0015_language_canonical_codes"),
        ("sources", "0005_language_canonical_codes"),
        ("stories", "0010_language_canonical_codes"),
    ]
}
SCHEMA_EDITOR = SimpleNamespace(connection=connection)  # the one attribute the migrations read

STORED = ["en-US", "en", "EN-gb", "fr_FR", "de", "", "not a code"]
PRIMARY = ["en", "en", "en", "fr", "de", "", ""]


def _historical_apps(app: str, migration: str):
    """The models as that migration sees them: plain fields, which store whatever they are given (as the fields
    of older versions did)."""
    return MigrationLoader(connection).project_state((app, migration)).apps


def _story(**fields) -> Story:
    now = timezone.now()
    return Story.objects.create(headline="Floods", first_seen=now - timedelta(hours=1), last_seen=now, **fields)


@pytest.mark.parametrize(("given", "stored"), list(zip(STORED, PRIMARY, strict=True)))
def test_a_publisher_language_is_stored_as_its_primary_subtag(given, stored):
    publisher = make_publisher(language=given)
    assert publisher.language == stored  # the saved instance reads back what was stored
    assert Publisher.objects.get(pk=publisher.pk).language == stored


def test_updates_and_lookups_go_through_the_same_rule():
    publisher = make_publisher(language="en")
    Publisher.objects.filter(pk=publisher.pk).update(language="FR_be")
    assert Publisher.objects.get(pk=publisher.pk).language == "fr"
    assert list(Publisher.objects.filter(language="fr-FR")) == [publisher]
    article = make_article(publisher, language="de-AT")
    assert Article.objects.get(pk=article.pk).language == "de"


def test_a_story_keeps_each_language_once_in_its_order():
    story = _story(language="es-MX", languages=["en-US", "en", "fr_FR", "EN-gb", "es", "x!"])
    story.refresh_from_db()
    assert (story.language, story.languages) == ("es", ["en", "fr", "es"])
    Story.objects.filter(pk=story.pk).update(languages=["de-CH", "de"])
    story.refresh_from_db()
    assert story.languages == ["de"]


def test_the_migration_normalises_stored_publisher_languages():
    publishers = _historical_apps("sources", "0003_display_signals").get_model("sources", "Publisher").objects
    ids = [make_publisher(name=f"Outlet {n}").pk for n in range(len(STORED))]
    for pk, code in zip(ids, STORED, strict=True):
        publishers.filter(pk=pk).update(language=code)
    assert sorted(Publisher.objects.values_list("language", flat=True)) == sorted(STORED)  # as an old version left it

    SOURCES.normalise_languages(_historical_apps("sources", "0004_language_primary_tags"), SCHEMA_EDITOR)

    after = dict(Publisher.objects.values_list("pk", "language"))
    assert [after[pk] for pk in ids] == PRIMARY


def test_the_migration_normalises_stored_story_languages(monkeypatch):
    stories = _historical_apps("stories", "0001_initial").get_model("stories", "Story").objects
    ids = [_story().pk for _ in range(3)]
    stories.filter(pk=ids[0]).update(language="en-US", languages=["en-US", "en", "fr_FR", "EN-gb"])
    stories.filter(pk=ids[1]).update(language="FR", languages=["FR", "not a code", 7])
    stories.filter(pk=ids[2]).update(language="de", languages=["de", "es"])
    assert Story.objects.get(pk=ids[0]).languages == ["en-US", "en", "fr_FR", "EN-gb"]

    monkeypatch.setattr(STORIES, "BATCH", 2)  # more stories than a batch: every batch is written
    STORIES.normalise_languages(_historical_apps("stories", "0002_language_primary_tags"), SCHEMA_EDITOR)

    after = {story.pk: (story.language, story.languages) for story in Story.objects.all()}
    assert [after[pk] for pk in ids] == [("en", ["en", "fr"]), ("fr", ["fr"]), ("de", ["de", "es"])]


def test_the_article_migration_normalises_stored_article_languages():
    articles = _historical_apps("articles", "0004_display_signals").get_model("articles", "Article").objects
    publisher = make_publisher()
    ids = [make_article(publisher).pk for _ in STORED]
    for pk, code in zip(ids, STORED, strict=True):
        articles.filter(pk=pk).update(language=code)

    ARTICLES.normalise_languages(_historical_apps("articles", "0005_language_primary_tags"), SCHEMA_EDITOR)

    after = dict(Article.objects.values_list("pk", "language"))
    assert [after[pk] for pk in ids] == PRIMARY


# What a declared language left before the fields wrote BCP 47's canonical form: 3-letter codes of languages that have
# a 2-letter one, and withdrawn 2-letter codes; a 3-letter code with no 2-letter one and "" stay.
DECLARED = ["eng", "fre", "deu", "iw", "in", "bcl", "en", ""]
CANONICAL_OF = ["en", "fr", "de", "he", "id", "bcl", "en", ""]


def test_a_declared_3_letter_or_withdrawn_code_is_stored_in_its_canonical_form():
    publisher = make_publisher(language="eng")
    article = make_article(publisher, language="iw")
    story = _story(language="fre", languages=["eng", "en", "ger"])
    story.refresh_from_db()
    assert (Publisher.objects.get(pk=publisher.pk).language, Article.objects.get(pk=article.pk).language) == (
        "en",
        "he",
    )
    assert (story.language, story.languages) == ("fr", ["en", "de"])


def test_the_migrations_rewrite_stored_codes_in_their_canonical_form():
    old = {
        "articles": _historical_apps("articles", "0014_article_address").get_model("articles", "Article").objects,
        "sources": _historical_apps("sources", "0004_language_primary_tags").get_model("sources", "Publisher").objects,
        "stories": _historical_apps("stories", "0009_document_frequency_changed").get_model("stories", "Story").objects,
    }
    publishers = [make_publisher(name=f"Outlet {n}").pk for n in range(len(DECLARED))]
    articles = [make_article(Publisher.objects.get(pk=publishers[0])).pk for _ in DECLARED]
    stories = [_story().pk for _ in DECLARED]
    for n, code in enumerate(DECLARED):
        old["sources"].filter(pk=publishers[n]).update(language=code)
        old["articles"].filter(pk=articles[n]).update(language=code)
        old["stories"].filter(pk=stories[n]).update(language=code, languages=[code, "en", "ger"])
    assert Article.objects.get(pk=articles[0]).language == "eng"  # as an older version left it

    for app, migration in CANONICAL.items():
        migration.canonical_languages(_historical_apps(app, migration.__name__.rsplit(".", 1)[1]), SCHEMA_EDITOR)

    assert [Publisher.objects.get(pk=pk).language for pk in publishers] == CANONICAL_OF
    assert [Article.objects.get(pk=pk).language for pk in articles] == CANONICAL_OF
    after = [Story.objects.get(pk=pk) for pk in stories]
    assert [story.language for story in after] == CANONICAL_OF
    assert after[0].languages == ["en", "de"]  # "eng" and "en" are one language, kept once in its first place
    assert after[5].languages == ["bcl", "en", "de"]
    assert after[7].languages == ["en", "de"]  # "" is no language
