"""One feed cannot aim unbounded work anywhere: a refresh handles at most N entries (newest first) and fetches at
most M pages, at most P per origin, deferring the rest to later refreshes; a page over the extraction budget is
that page's recorded error; links and images at non-public addresses are not published."""

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.entries import DEFERRED_RECHECK_S, RefreshLimits
from newsdesk.ingest.entry_refresh import LINK_NOT_PUBLIC
from newsdesk.ingest.models import FetchAttempt
from newsdesk.ingest.services import feed_refresh
from newsdesk.reader.extract.errors import PAGE_TOO_LARGE
from newsdesk.sources.models import Feed
from tests.factories import make_feed, make_publisher
from tests.sources.conftest import serve  # noqa: F401 - loopback server fixture
from tests.sources.loopback import Reply

pytestmark = pytest.mark.django_db


def _page(name: str) -> bytes:
    """A page of its own: the same title and text at another address of the publisher would be this article moved."""
    paragraphs = f"<p>A fine paragraph of story {name}.</p>" * 8
    return f"<html><head><title>T {name}</title></head><body><article>{paragraphs}</article></body></html>".encode()


PAGE = _page("ok")
NOW = datetime.now(UTC).replace(microsecond=0)


def _rss(items: list[tuple[str, datetime]], extra: str = "") -> bytes:
    body = "".join(
        f"<item><title>Story {n}</title><link>{link}</link><pubDate>{format_datetime(when)}</pubDate>"
        f"<description>Feed text of story {n}.</description>{extra}</item>"
        for n, (link, when) in enumerate(items)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{body}</channel></rss>'.encode()


def _context(**limits: int) -> IngestContext:
    return IngestContext(
        options=IngestContext.from_settings(allow_loopback=True).options, limits=RefreshLimits(**limits)
    )


def _refresh(feed: Feed, context: IngestContext):
    return feed_refresh(feed=Feed.objects.get(pk=feed.pk), context=context)


def test_a_refresh_handles_at_most_the_entry_cap_newest_first_and_later_refreshes_the_rest(serve):  # noqa: F811
    server = serve({"/robots.txt": Reply(body=b"User-agent: *\nDisallow: /story/", content_type="text/plain")})
    assert IngestContext.from_settings(allow_loopback=True).limits.max_entries == 500  # the default cap
    # A cap of 10 over 40 items in shuffled order behaves as the default's 500 over 2,000, with a fiftieth of the
    # articles to store (each costs a refresh some 20 statements: 50 over 200 took 3,700 on PostgreSQL); robots.txt
    # keeps the pages unfetched, so each entry is cheap to store.
    cap, total = 10, 40
    items = [(f"{server.base}/story/{n}", NOW - timedelta(minutes=n)) for n in range(total)]
    shuffled = random.Random(8).sample(items, len(items))
    server.routes["/feed.xml"] = Reply(
        body=_rss(shuffled), content_type="application/rss+xml", headers=(("ETag", '"v1"'),)
    )
    feed = make_feed(make_publisher(homepage=server.base + "/"), url=server.base + "/feed.xml")
    context = _context(max_entries=cap)

    report = _refresh(feed, context)

    newest = {link for link, _ in items[:cap]}
    assert set(Article.objects.values_list("original_url", flat=True)) == newest
    assert (report.items_new, report.entries_deferred) == (cap, total - cap)
    feed.refresh_from_db()
    assert feed.etag == ""  # the next fetch is a full one, so the deferred entries are seen again
    assert feed.next_check_at <= timezone.now() + timedelta(seconds=DEFERRED_RECHECK_S)
    assert f"{total - cap} entries deferred to later refreshes" in FetchAttempt.objects.get().error

    news = [_refresh(feed, context).items_new for _ in range(3)]
    assert news == [cap, cap, cap]
    assert set(Article.objects.values_list("original_url", flat=True)) == {link for link, _ in items}
    feed.refresh_from_db()
    assert feed.etag == '"v1"'


def test_a_refresh_fetches_at_most_the_page_caps_in_all_and_per_origin(serve):  # noqa: F811
    first, second = serve({}), serve({})
    for server in (first, second):
        for n in range(12):
            server.routes[f"/a/{n}"] = Reply(body=_page(f"{server.base}/a/{n}"))
    # The first origin's entries are the newest: it alone would take all of a refresh's pages.
    items = [(f"{first.base}/a/{n}", NOW - timedelta(minutes=n)) for n in range(12)]
    items += [(f"{second.base}/a/{n}", NOW - timedelta(hours=1, minutes=n)) for n in range(12)]
    first.routes["/feed.xml"] = Reply(body=_rss(items), content_type="application/rss+xml")
    feed = make_feed(make_publisher(homepage=first.base + "/"), url=first.base + "/feed.xml")
    context = _context(max_entries=100, max_pages=8, max_pages_per_origin=5)

    report = _refresh(feed, context)

    pages = [[path for path in server.paths() if path.startswith("/a/")] for server in (first, second)]
    assert [len(p) for p in pages] == [5, 3]
    assert pages[0] == [f"/a/{n}" for n in range(5)]  # newest first
    assert (report.items_new, report.entries_deferred) == (8, 16)

    # 8 pages a refresh, 5 of one origin: 5+3, 5+3, 2+5, then the last one of the second origin.
    news = [_refresh(feed, context).items_new for _ in range(3)]
    assert news == [8, 7, 1]
    assert Article.objects.count() == 24
    assert all(len([p for p in s.paths() if p.startswith("/a/")]) == 12 for s in (first, second))


def test_a_page_over_the_extraction_budget_is_recorded_as_its_error_and_the_feed_text_stored(serve):  # noqa: F811
    server = serve({})
    huge = b"<html><body>" + b"<div><p>text text</p></div>" * 530_000 + b"</body></html>"  # ~14 MB
    assert len(huge) > 14_000_000
    server.routes["/huge"] = Reply(body=huge)
    server.routes["/feed.xml"] = Reply(body=_rss([(server.base + "/huge", NOW)]), content_type="application/rss+xml")
    feed = make_feed(make_publisher(homepage=server.base + "/"), url=server.base + "/feed.xml")

    report = _refresh(feed, IngestContext.from_settings(allow_loopback=True))

    assert report.items_new == 1
    assert Article.objects.get().body_text == "Feed text of story 0."
    assert f"{server.base}/huge: extraction failed, feed content used: {PAGE_TOO_LARGE}" in (
        FetchAttempt.objects.get().error
    )


def test_entries_linking_to_non_public_addresses_are_skipped_with_a_note(serve):  # noqa: F811
    server = serve({"/ok": Reply(body=PAGE)})
    items = [
        ("http://169.254.169.254/latest/meta-data/", NOW),
        ("http://10.0.0.8/story", NOW - timedelta(minutes=1)),
        ("http://intranet.local/story", NOW - timedelta(minutes=2)),
        (server.base + "/ok", NOW - timedelta(minutes=3)),
    ]
    server.routes["/feed.xml"] = Reply(body=_rss(items), content_type="application/rss+xml")
    feed = make_feed(make_publisher(homepage=server.base + "/"), url=server.base + "/feed.xml")

    _refresh(feed, IngestContext.from_settings(allow_loopback=True))

    assert list(Article.objects.values_list("original_url", flat=True)) == [server.base + "/ok"]
    error = FetchAttempt.objects.get().error
    assert f"entry skipped: {LINK_NOT_PUBLIC}: http://169.254.169.254/latest/meta-data/" in error
    assert f"entry skipped: {LINK_NOT_PUBLIC}: http://10.0.0.8/story" in error


def test_images_and_links_at_non_public_addresses_are_not_published(serve):  # noqa: F811
    server = serve({"/robots.txt": Reply(body=b"User-agent: *\nDisallow: /story", content_type="text/plain")})
    content = (
        "<content:encoded><![CDATA[<p>Body <a href='http://169.254.169.254/x'>meta</a> "
        "<a href='https://public.example/'>public</a> <img src='http://192.168.1.2/cam.jpg' alt='cam'> "
        "<img src='https://cdn.example/i.jpg' alt='ok'></p>]]></content:encoded>"
        "<enclosure url='http://169.254.169.254/latest/i.jpg' type='image/jpeg' length='1'/>"
    )
    rss = _rss([(server.base + "/story", NOW)], extra=content).replace(
        b'<rss version="2.0">', b'<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
    )
    server.routes["/feed.xml"] = Reply(body=rss, content_type="application/rss+xml")
    feed = make_feed(make_publisher(homepage=server.base + "/"), url=server.base + "/feed.xml")

    _refresh(feed, IngestContext.from_settings(allow_loopback=True))

    article = Article.objects.get()
    assert article.image_url == ""
    assert "169.254" not in article.body_html
    assert "192.168" not in article.body_html
    assert 'href="https://public.example/"' in article.body_html
    assert 'src="https://cdn.example/i.jpg"' in article.body_html
    assert "meta" in article.body_text
