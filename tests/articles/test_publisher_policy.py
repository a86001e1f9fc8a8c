"""A publisher's display policy changes in one place; the change asks for a search reindex, which a worker's job
carries out (articles.reindex), and until then search shows nothing the new policy hides."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import newsdesk.articles.reindex
from newsdesk.articles.models import Article, SearchReindexRequest
from newsdesk.articles.policy import policy_shows_less
from newsdesk.articles.reindex import search_reindex_due
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

    publisher_policy_set(publisher=publisher, display_policy=Policy.HEADLINE)

    assert "zeppelinfield" in Article.objects.get(pk=article.pk).search_text  # not reindexed by the change itself
    assert article_search("zeppelinfield") == []  # yet not found: the tightening is pending
    assert article_search("harbour") == []
    assert search_reindex_due() == 1
    assert not SearchReindexRequest.objects.exists()
    assert article_search("zeppelinfield") == []
    assert [a.pk for a in article_search("harbour")] == [article.pk]  # the headline stays findable
    assert Publisher.objects.get(pk=publisher.pk).display_policy == Policy.HEADLINE


def test_loosening_the_policy_makes_the_body_searchable_again():
    publisher = make_publisher(policy=Policy.HEADLINE)
    article = make_article(publisher=publisher, title="Harbour vote", body_text="The zeppelinfield turbines stay.")
    assert article_search("zeppelinfield") == []

    publisher_policy_set(publisher=publisher, display_policy=Policy.FULL)
    assert [a.pk for a in article_search("harbour")] == [article.pk]  # a loosening hides nothing while pending
    assert article_search("zeppelinfield") == []
    search_reindex_due()

    assert [a.pk for a in article_search("zeppelinfield")] == [article.pk]


def test_a_change_that_leaves_the_policy_as_it_was_asks_for_no_reindex():
    publisher = make_publisher(policy=Policy.FULL)
    publisher_policy_set(publisher=publisher, display_policy=Policy.FULL, is_active=False)
    assert not SearchReindexRequest.objects.exists()


def _reindex_then(monkeypatch, meanwhile) -> None:
    """Make the job's reindex of a publisher run `meanwhile(publisher)` once it has written its articles."""
    reindex = newsdesk.articles.reindex._publisher_search_reindex

    def reindex_and_meanwhile(*, publisher: Publisher) -> int:
        changed = reindex(publisher=publisher)
        meanwhile(publisher)
        return changed

    monkeypatch.setattr(newsdesk.articles.reindex, "_publisher_search_reindex", reindex_and_meanwhile)


def test_a_change_while_the_reindex_runs_leaves_its_request_for_the_next_run(monkeypatch):
    publisher = _publisher_with(2)
    publisher_policy_set(publisher=publisher, display_policy=Policy.HEADLINE)
    _reindex_then(monkeypatch, lambda p: publisher_policy_set(publisher=p, display_policy=Policy.FULL))

    assert search_reindex_due() == 2
    assert SearchReindexRequest.objects.count() == 1  # the operator changed their mind while it ran
    monkeypatch.undo()

    assert search_reindex_due() == 2
    assert not SearchReindexRequest.objects.exists()
    assert len(article_search("zeppelinfield1")) == 1


def test_a_run_overtaken_by_one_under_a_newer_policy_asks_again(monkeypatch):
    publisher = _publisher_with(2)
    publisher_policy_set(publisher=publisher, display_policy=Policy.HEADLINE)

    def newer_run_done(p: Publisher) -> None:  # meanwhile: "excerpt" set, and another worker's run carried it out
        Publisher.objects.filter(pk=p.pk).update(display_policy=Policy.EXCERPT)
        SearchReindexRequest.objects.all().delete()

    _reindex_then(monkeypatch, newer_run_done)
    search_reindex_due()  # wrote "headline" text over the other run's "excerpt" text
    monkeypatch.undo()

    assert SearchReindexRequest.objects.exists()
    assert search_reindex_due() == 2
    assert len(article_search("zeppelinfield1")) == 1  # the excerpt holds the body's first words


@pytest.mark.parametrize(
    ("before", "after", "hides"),
    [
        ((Policy.FULL, 60), (Policy.HEADLINE, 60), True),
        ((Policy.HEADLINE, 60), (Policy.EXCERPT, 60), False),
        ((Policy.EXCERPT, 60), (Policy.EXCERPT, 20), True),
        ((Policy.EXCERPT, 20), (Policy.EXCERPT, 60), False),
        ((Policy.FULL, 60), (Policy.FULL, 20), True),  # a noarchive page under "full" shows an excerpt
        ((Policy.HEADLINE, 60), (Policy.HEADLINE, 20), False),
        ((Policy.BLOCKED, 60), (Policy.FULL, 60), False),
    ],
)
def test_which_changes_hide_text_that_was_shown(before, after, hides):
    assert policy_shows_less(before=before, after=after) is hides


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
        make_article(
            publisher=publisher, title=f"Harbour vote {n}", summary="", body_text=f"The zeppelinfield{n} turbines stay."
        )
    return publisher


def test_a_policy_change_reindexes_3_or_40_articles_in_as_many_queries(monkeypatch):
    # One read of the rule's columns and one bulk write per batch, not one write an article.
    monkeypatch.setattr("newsdesk.articles.reindex.REINDEX_BATCH", 50)
    few, many = _publisher_with(3), _publisher_with(40)
    publisher_policy_set(publisher=make_publisher(), display_policy=Policy.HEADLINE)  # the story turn's row, made once
    search_reindex_due()

    publisher_policy_set(publisher=few, display_policy=Policy.HEADLINE)
    with CaptureQueriesContext(connection) as for_few:
        assert search_reindex_due() == 3
    publisher_policy_set(publisher=many, display_policy=Policy.HEADLINE)
    with CaptureQueriesContext(connection) as for_many:
        assert search_reindex_due() == 40

    assert len(for_many) == len(for_few)
    assert article_search("zeppelinfield7") == []
    assert len(article_search("harbour", limit=100)) == 43


def test_a_reindex_longer_than_a_batch_writes_every_article(monkeypatch):
    monkeypatch.setattr("newsdesk.articles.reindex.REINDEX_BATCH", 4)
    publisher = _publisher_with(10)
    make_article(publisher=publisher, title="Harbour vote", body_text="")  # headline-only already: nothing to change

    publisher_policy_set(publisher=publisher, display_policy=Policy.HEADLINE)
    assert search_reindex_due() == 10
    assert all(article_search(f"zeppelinfield{n}") == [] for n in range(10))

    publisher_policy_set(publisher=publisher, display_policy=Policy.FULL)
    assert search_reindex_due() == 10
    assert all(len(article_search(f"zeppelinfield{n}")) == 1 for n in range(10))
