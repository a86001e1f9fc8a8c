"""Migration articles/0005: stored language codes become BCP 47 primary subtags."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from newsdesk.articles.models import Article
from tests.factories import make_article, make_publisher

MIGRATION = importlib.import_module("newsdesk.articles.migrations.0005_language_primary_tags")


@pytest.mark.django_db
def test_region_and_case_variants_become_primary_subtags():
    publisher = make_publisher()
    stored = ["en-US", "en", "EN-gb", "fr_FR", "de", "", "not a code"]
    ids = [make_article(publisher, language=code).pk for code in stored]

    MIGRATION.normalise_languages(apps, SimpleNamespace(connection=connection))  # the one attribute it reads

    after = dict(Article.objects.values_list("pk", "language"))
    assert [after[pk] for pk in ids] == ["en", "en", "en", "fr", "de", "", ""]
