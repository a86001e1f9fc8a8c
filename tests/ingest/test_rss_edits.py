"""An article its publisher edits in an RSS-only feed is fetched again: RSS items carry no "updated" date, so the
edit is seen as an item that reads otherwise (its title, summary or content) than when we fetched the page — under
the same rule as a dated edit (not sooner than REFETCH_AFTER after the last fetch), and once only. Through real
refreshes of the simulated world's RSS feed."""

from contextlib import closing
from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.demo import world_directory_load
from newsdesk.ingest.runner import run_cycle
from newsdesk.sources.models import Feed
from newsdesk_world.generator import generate_world
from newsdesk_world.server import serve_world

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # refresh threads commit


@pytest.fixture
def world_server():
    server = serve_world(generate_world(seed=7, slow_delay_s=0.2))
    yield server
    server.stop()


def _article_fetches(world_server, paths: set[str]) -> list[str]:
    return [r.path.split("?")[0] for r in world_server.requests.snapshot() if r.path.split("?")[0] in paths]


def _a_while_later():
    """Past REFETCH_AFTER since every article's fetch."""
    Article.objects.update(fetched_at=timezone.now() - timedelta(hours=1))


def test_an_edited_rss_item_is_fetched_again_once_and_not_before_refetch_after(world_server):
    with closing(IngestContext.from_settings(allow_loopback=True)) as context:
        _edit_refetched_once(world_server, context)


def _edit_refetched_once(world_server, context) -> None:
    world_directory_load(world_server.base_url, context)
    rss = Feed.objects.filter(url__endswith="/rss.xml").order_by("pk").first()
    assert rss is not None
    Feed.objects.exclude(pk=rss.pk).update(is_paused=True)
    assert run_cycle(context=context, full_pass=True).articles_new >= 3
    stored = list(Article.objects.filter(feed=rss))
    assert stored
    assert all(len(a.feed_entry_hash) == 64 for a in stored)
    by_url = {world_server.article_url(a): a for a in world_server.world.articles}
    article = stored[0]
    item = by_url[article.canonical_url]
    paths = {by_url[a.canonical_url].path for a in stored}
    world_server.article_revise(item, headline=item.headline + " (update)")
    world_server.requests.clear()

    soon = run_cycle(context=context, full_pass=True)  # fetched just now: not again yet

    assert soon.articles_updated == 0
    assert _article_fetches(world_server, paths) == []
    _a_while_later()
    later = run_cycle(context=context, full_pass=True)

    assert later.articles_updated == 1
    assert _article_fetches(world_server, paths) == [item.path]  # that page only
    article.refresh_from_db()
    assert article.title == item.headline + " (update)"
    world_server.requests.clear()
    _a_while_later()
    again = run_cycle(context=context, full_pass=True)  # the item reads as when we fetched it: nothing to do

    assert again.articles_updated == 0
    assert _article_fetches(world_server, paths) == []
