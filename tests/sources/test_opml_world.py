"""The simulated world's OPML: 16 publishers on one host (127.0.0.1), each on its own port, are 16 publishers.

The ingest reads the newest few entries of each feed (the refresh's entry cap): every publisher gets articles to
check, at an eighth of the CPU time of storing the whole world's."""

import pytest

from newsdesk.articles.models import Article
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.entries import RefreshLimits
from newsdesk.ingest.runner import run_cycle
from newsdesk.reader.urls import url_origin
from newsdesk.sources.models import Feed, Publisher
from newsdesk.sources.opml_services import opml_import
from newsdesk_world.generator import generate_world
from newsdesk_world.server import serve_world

# The ingest threads use their own database connections, so the imported rows must be committed.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ENTRIES_PER_FEED = 3


@pytest.fixture(scope="module")
def world_server():
    server = serve_world(generate_world(seed=7, slow_delay_s=0.3))
    yield server
    server.stop()


def test_importing_the_world_opml_keeps_each_port_its_own_publisher_through_an_ingest(world_server):
    options = IngestContext.from_settings(allow_loopback=True).options
    context = IngestContext(options=options, limits=RefreshLimits(max_entries=ENTRIES_PER_FEED))
    opml = context.fetch(world_server.opml_url)
    assert opml.status == 200

    result = opml_import(data=opml.body)
    stats = run_cycle(context=context, full_pass=True, threads=2)

    world = world_server.world
    assert len(world.publishers) == 16
    assert (result.publishers_created, result.feeds_created) == (16, 16)
    homepages = {publisher.homepage for publisher in Publisher.objects.all()}
    assert homepages == {world_server.publisher_base_url(p.slug) + "/" for p in world.publishers}
    for feed in Feed.objects.select_related("publisher"):
        assert url_origin(feed.url) == url_origin(feed.publisher.homepage), feed.url
    assert stats.articles_new == Article.objects.count() > 0
    assert stats.articles_new <= ENTRIES_PER_FEED * len(world.publishers)
    mismatched = [
        (article.original_url, article.publisher.homepage)
        for article in Article.objects.select_related("publisher")
        if url_origin(article.original_url) != url_origin(article.publisher.homepage)
    ]
    assert mismatched == []
    assert Article.objects.values("publisher").distinct().count() == 16
