"""An article re-ingested with changed content is updated in place: same row, new text, search follows."""

import pytest

from newsdesk.articles.models import Article
from newsdesk.articles.selectors import article_search
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.services import feed_refresh
from tests.factories import make_feed, make_publisher
from tests.sources.conftest import serve  # noqa: F401 - loopback server fixture
from tests.sources.loopback import Reply

pytestmark = pytest.mark.django_db


def _page(base: str, *, title: str, word: str) -> bytes:
    paragraphs = "".join(
        f"<p>Paragraph {n} of the harbour report says the {word} was seen near the pier at dawn.</p>" for n in range(8)
    )
    return f"""<!doctype html><html lang="en"><head><title>{title}</title>
<link rel="canonical" href="{base}/story"></head>
<body><article><h1>{title}</h1>{paragraphs}</article></body></html>""".encode()


def _feed(base: str, link: str, title: str) -> bytes:
    return f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour</title><link>{base}/</link>
<item><title>{title}</title><link>{base}{link}</link><guid>{base}{link}</guid></item>
</channel></rss>""".encode()


def test_a_corrected_article_updates_its_row_in_place_and_search_follows(serve):  # noqa: F811
    server = serve({})
    base = server.base
    publisher = make_publisher(policy="full", homepage=base + "/")
    feed = make_feed(publisher, url=base + "/feed.xml")
    context = IngestContext.from_settings(allow_loopback=True)
    server.routes["/feed.xml"] = Reply(body=_feed(base, "/story", "Seal spotted"), content_type="application/rss+xml")
    server.routes["/story"] = Reply(body=_page(base, title="Seal spotted", word="seal"))

    first = feed_refresh(feed=feed, context=context)
    original = Article.objects.get()

    # The publisher corrects the story and republishes it under a new URL that declares the old one canonical.
    server.routes["/feed.xml"] = Reply(
        body=_feed(base, "/story-corrected", "Walrus spotted"), content_type="application/rss+xml"
    )
    server.routes["/story-corrected"] = Reply(body=_page(base, title="Walrus spotted", word="walrus"))
    second = feed_refresh(feed=feed, context=context)

    assert (first.items_new, first.items_updated) == (1, 0)
    assert (second.items_new, second.items_updated) == (0, 1)
    updated = Article.objects.get()
    assert updated.pk == original.pk
    assert updated.canonical_url == original.canonical_url == base + "/story"
    assert updated.title == "Walrus spotted"
    assert "walrus" in updated.body_text
    assert "seal" not in updated.body_text
    assert updated.content_hash != original.content_hash
    assert [a.pk for a in article_search("walrus")] == [original.pk]
    assert list(article_search("seal")) == []


def test_the_same_content_again_changes_nothing(serve):  # noqa: F811
    server = serve({})
    base = server.base
    feed = make_feed(make_publisher(policy="full", homepage=base + "/"), url=base + "/feed.xml")
    context = IngestContext.from_settings(allow_loopback=True)
    server.routes["/feed.xml"] = Reply(body=_feed(base, "/story", "Seal spotted"), content_type="application/rss+xml")
    server.routes["/story"] = Reply(body=_page(base, title="Seal spotted", word="seal"))
    server.routes["/story-again"] = Reply(body=_page(base, title="Seal spotted", word="seal"))

    feed_refresh(feed=feed, context=context)
    stored = Article.objects.get()
    server.routes["/feed.xml"] = Reply(
        body=_feed(base, "/story-again", "Seal spotted"), content_type="application/rss+xml"
    )
    again = feed_refresh(feed=feed, context=context)

    assert (again.items_new, again.items_updated) == (0, 0)
    assert Article.objects.get().fetched_at == stored.fetched_at
