"""A publisher's display policy changes in one place, and search follows it at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsdesk.articles.selectors import article_search
from newsdesk.articles.services import publisher_policy_set
from newsdesk.sources.models import Publisher
from newsdesk.sources.services import publisher_upsert
from tests.factories import make_article, make_publisher

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

Policy = Publisher.DisplayPolicy


def test_tightening_the_policy_hides_the_body_from_search_at_once():
    publisher = make_publisher(policy=Policy.FULL)
    article = make_article(publisher=publisher, title="Harbour vote", body_text="The zeppelinfield turbines stay.")
    assert [a.pk for a in article_search("zeppelinfield")] == [article.pk]

    changed = publisher_policy_set(publisher=publisher, display_policy=Policy.HEADLINE)

    assert changed == 1
    assert article_search("zeppelinfield") == []
    assert [a.pk for a in article_search("harbour")] == [article.pk]  # the headline stays findable
    assert Publisher.objects.get(pk=publisher.pk).display_policy == Policy.HEADLINE


def test_loosening_the_policy_makes_the_body_searchable_again():
    publisher = make_publisher(policy=Policy.HEADLINE)
    article = make_article(publisher=publisher, title="Harbour vote", body_text="The zeppelinfield turbines stay.")
    assert article_search("zeppelinfield") == []

    publisher_policy_set(publisher=publisher, display_policy=Policy.FULL)

    assert [a.pk for a in article_search("zeppelinfield")] == [article.pk]


def test_an_unknown_policy_is_refused_and_changes_nothing():
    publisher = make_publisher(policy=Policy.FULL)
    with pytest.raises(ValueError, match="unknown display policy 'everything'"):
        publisher_policy_set(publisher=publisher, display_policy="everything")
    assert Publisher.objects.get(pk=publisher.pk).display_policy == Policy.FULL


def test_an_import_never_overrides_the_policy_of_a_publisher_we_have():
    publisher = make_publisher(policy=Policy.HEADLINE, slug="gazette")
    again = publisher_upsert(name="Gazette", slug="gazette", homepage="https://gazette.example/", display_policy="full")
    assert again.pk == publisher.pk
    assert again.name == "Gazette"
    assert Publisher.objects.get(pk=publisher.pk).display_policy == Policy.HEADLINE


def test_a_new_publisher_takes_the_imported_policy():
    created = publisher_upsert(name="Courier", homepage="https://courier.example/", display_policy="headline")
    assert created.display_policy == Policy.HEADLINE


def _publisher_with(articles: int) -> Publisher:
    publisher = make_publisher(policy=Policy.FULL)
    for n in range(articles):
        make_article(publisher=publisher, title=f"Harbour vote {n}", body_text=f"The zeppelinfield{n} turbines stay.")
    return publisher


def test_a_policy_change_reindexes_3_or_40_articles_in_as_many_queries(monkeypatch):
    # One read of the rule's columns and one bulk write per batch, not one write an article.
    monkeypatch.setattr("newsdesk.articles.services.REINDEX_BATCH", 50)
    few, many = _publisher_with(3), _publisher_with(40)
    publisher_policy_set(publisher=make_publisher(), display_policy=Policy.HEADLINE)  # the story turn's row, made once

    with CaptureQueriesContext(connection) as for_few:
        assert publisher_policy_set(publisher=few, display_policy=Policy.HEADLINE) == 3
    with CaptureQueriesContext(connection) as for_many:
        assert publisher_policy_set(publisher=many, display_policy=Policy.HEADLINE) == 40

    assert len(for_many) == len(for_few)
    assert article_search("zeppelinfield7") == []
    assert len(article_search("harbour", limit=100)) == 43


def test_a_reindex_longer_than_a_batch_writes_every_article(monkeypatch):
    monkeypatch.setattr("newsdesk.articles.services.REINDEX_BATCH", 4)
    publisher = _publisher_with(10)
    make_article(publisher=publisher, title="Harbour vote", body_text="")  # headline-only already: nothing to change

    assert publisher_policy_set(publisher=publisher, display_policy=Policy.HEADLINE) == 10
    assert all(article_search(f"zeppelinfield{n}") == [] for n in range(10))

    assert publisher_policy_set(publisher=publisher, display_policy=Policy.FULL) == 10
    assert all(len(article_search(f"zeppelinfield{n}")) == 1 for n in range(10))
