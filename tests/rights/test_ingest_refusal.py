"""The ingest pipeline never stores what a takedown removed: not the URL in any variant, not a page under a
tombstoned prefix, not the same text at the same publisher under a new URL."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from newsdesk.articles.models import Article
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.entries import ENTRY_TAKEN_DOWN
from newsdesk.ingest.models import EntryFailure
from newsdesk.ingest.services import feed_refresh
from newsdesk.rights import services
from newsdesk.sources.models import Feed
from tests.factories import make_feed, make_publisher
from tests.sources.conftest import serve  # noqa: F401 - loopback server fixture
from tests.sources.loopback import Reply

pytestmark = pytest.mark.django_db

NOW = datetime.now(UTC).replace(microsecond=0)


def _page(text: str) -> bytes:
    paragraphs = f"<p>{text} paragraph, told at some length.</p>" * 8
    return f"<html><head><title>{text}</title></head><body><article>{paragraphs}</article></body></html>".encode()


def _rss(links: list[str], version: str) -> Reply:
    items = "".join(
        f"<item><title>Story {n}</title><link>{link}</link><pubDate>{format_datetime(NOW - timedelta(minutes=n))}"
        f"</pubDate><description>Feed text {n}.</description></item>"
        for n, link in enumerate(links)
    )
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{items}</channel></rss>'.encode()
    return Reply(body=body, content_type="application/rss+xml", headers=(("ETag", f'"{version}"'),))


def _refresh(feed: Feed):
    context = IngestContext.from_settings(allow_loopback=True)
    try:
        return feed_refresh(feed=Feed.objects.get(pk=feed.pk), context=context)
    finally:
        context.close()


def test_tombstoned_urls_variants_prefixes_and_wire_copies_are_never_stored_again(serve):  # noqa: F811
    server = serve({})
    base = server.base
    server.routes.update(
        {
            "/news/taken": Reply(body=_page("Taken story")),
            "/news/kept": Reply(body=_page("Kept story")),
            "/sport/one": Reply(body=_page("Sport one")),
        }
    )
    server.routes["/feed.xml"] = _rss([f"{base}/news/taken", f"{base}/news/kept", f"{base}/sport/one"], "v1")
    publisher = make_publisher(homepage=base + "/")
    feed = make_feed(publisher, url=base + "/feed.xml")
    _refresh(feed)
    assert Article.objects.count() == 3

    taken = services.takedown_request_create(
        requester_name="R",
        requester_email="r@x.example",
        signature="R",
        good_faith=True,
        accurate=True,
        urls=[f"{base}/news/taken"],
    )
    services.takedown_operator_remove(request=taken, actor="op")
    sport = services.takedown_request_create(
        requester_name="R",
        requester_email="r@x.example",
        signature="R",
        good_faith=True,
        accurate=True,
        prefix=f"{base}/sport",
    )
    services.takedown_operator_remove(request=sport, actor="op")
    assert set(Article.objects.values_list("title", flat=True)) == {"Kept story"}

    # The publisher's feed now offers every variant, a new page under the prefix, and the removed text again
    # under a brand-new URL (a wire copy at the same publisher).
    server.routes["/news/copy-of-taken"] = Reply(body=_page("Taken story"))
    server.routes["/sport/two"] = Reply(body=_page("Sport two"))
    variants = [
        f"{base}/news/taken?utm_source=rss",
        f"{base}/news/taken/",
        f"{base}/amp/news/taken",
        f"{base}/news/taken?amp=1",
        f"{base}/news/copy-of-taken",
        f"{base}/sport/two",
        f"{base}/sport/one#top",
    ]
    for n in range(3):
        server.routes["/feed.xml"] = _rss([*variants, f"{base}/news/kept"], f"v{n + 2}")
        report = _refresh(feed)
        assert report.entries_taken_down >= 6

    assert set(Article.objects.values_list("title", flat=True)) == {"Kept story"}
    copy_fetches = [seen for seen in server.requests if seen.path == "/news/copy-of-taken"]
    assert len(copy_fetches) == 1  # refused by its text once, then given up: not fetched every refresh
    assert EntryFailure.objects.get(url__endswith="/news/copy-of-taken").last_error == ENTRY_TAKEN_DOWN
    fetched = {seen.path for seen in server.requests}
    assert not any(path.startswith(("/sport/two", "/amp/news/taken")) for path in fetched)
