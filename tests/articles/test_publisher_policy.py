"""A publisher's display policy changes in one place, and search follows it at once."""

import pytest

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
