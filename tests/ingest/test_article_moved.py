"""An outlet's article found under a new address (a new slug, a moved site) is that article moved: one row, its id
and story kept, its old address remembered; another outlet's copy stays a wire copy; a takedown still holds."""

import pytest
from django.test import Client

from newsdesk.articles.models import Article, ArticleAddress
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.models import FetchAttempt
from newsdesk.ingest.services import feed_refresh
from newsdesk.rights import services as rights
from newsdesk.rights.models import Tombstone
from newsdesk.stories.models import ArticleSignature, StoryMembership
from tests.factories import make_feed, make_publisher
from tests.sources.conftest import serve  # noqa: F401 - loopback server fixture
from tests.sources.loopback import Reply

pytestmark = pytest.mark.django_db

TITLE = "Seal spotted near the pier"


def _page(url: str, *, title: str = TITLE, word: str = "seal", published: str = "") -> Reply:
    paragraphs = "".join(
        f"<p>Paragraph {n} of the harbour report says the {word} was seen near the pier at dawn.</p>" for n in range(8)
    )
    dated = f'<meta property="article:published_time" content="{published}">' if published else ""
    html = f"""<!doctype html><html lang="en"><head><title>{title}</title>{dated}
<link rel="canonical" href="{url}"></head>
<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"""
    return Reply(body=html.encode())


def _feed(base: str, *items: tuple[str, str]) -> Reply:
    entries = "".join(f"<item><title>{t}</title><link>{base}{p}</link><guid>{base}{p}</guid></item>" for p, t in items)
    body = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour</title><link>{base}/</link>
{entries}</channel></rss>"""
    return Reply(body=body.encode(), content_type="application/rss+xml")


def _memberships() -> tuple[list, list]:
    return (
        sorted(StoryMembership.objects.values_list("article_id", "story_id")),
        sorted(ArticleSignature.objects.values_list("article_id", "group_id", "is_repeat")),
    )


def _move_to_section(server) -> None:
    """The publisher renames the section: its feed lists the same article at /section/seal only."""
    server.routes["/feed.xml"] = _feed(server.base, ("/section/seal", TITLE))
    server.routes["/section/seal"] = _page(server.base + "/section/seal")


def _notice(url: str):
    return rights.takedown_request_create(
        requester_name="Rita Owner",
        requester_email="rita@harbour.example",
        signature="Rita Owner",
        good_faith=True,
        accurate=True,
        urls=[url],
    )


@pytest.fixture
def harbour(serve):  # noqa: F811
    """A publisher whose feed lists one article at /news/seal, already ingested."""
    server = serve({})
    base = server.base
    feed = make_feed(make_publisher(policy="full", homepage=base + "/"), url=base + "/feed.xml")
    server.routes["/feed.xml"] = _feed(base, ("/news/seal", TITLE))
    server.routes["/news/seal"] = _page(base + "/news/seal")
    context = IngestContext.from_settings(allow_loopback=True)
    first = feed_refresh(feed=feed, context=context)
    assert first.items_new == 1
    return server, feed, context


def test_the_same_article_at_a_new_address_is_moved_not_stored_again(harbour):
    server, feed, context = harbour
    base = server.base
    original = Article.objects.get()
    before = _memberships()
    stories, signatures = before
    assert stories  # it has a story and a signature to keep
    assert signatures
    _move_to_section(server)

    report = feed_refresh(feed=feed, context=context)

    assert (report.items_new, report.items_updated, report.items_moved) == (0, 0, 1)
    moved = Article.objects.get()
    assert moved.pk == original.pk
    assert (moved.canonical_url, moved.original_url) == (base + "/section/seal", base + "/section/seal")
    assert moved.body_text == original.body_text
    assert list(ArticleAddress.objects.values_list("url", "article_id")) == [(base + "/news/seal", original.pk)]
    assert _memberships() == before  # its story and wire group are untouched
    assert "1 stored article found under a new address" in FetchAttempt.objects.latest("id").error
    assert f"was at {base}/news/seal" in FetchAttempt.objects.latest("id").error
    page = Client().get(original.get_absolute_url())
    assert page.status_code == 200
    assert f"{base}/section/seal" in page.content.decode()


def test_the_old_address_listed_again_is_neither_a_new_article_nor_a_move_back(harbour):
    server, feed, context = harbour
    base = server.base
    _move_to_section(server)
    feed_refresh(feed=feed, context=context)
    fetched = len(server.paths())

    server.routes["/feed.xml"] = _feed(base, ("/section/seal", TITLE), ("/news/seal", TITLE))
    report = feed_refresh(feed=feed, context=context)

    assert (report.items_new, report.items_updated, report.items_moved) == (0, 0, 0)
    assert Article.objects.get().canonical_url == base + "/section/seal"
    assert server.paths()[fetched:] == ["/feed.xml"]  # the old address is known: not fetched again


def test_a_re_edited_article_at_the_same_address_is_updated_in_place(harbour):
    server, feed, context = harbour
    base = server.base
    original = Article.objects.get()
    server.routes["/feed.xml"] = _feed(base, ("/news/seal", "Walrus spotted near the pier"))
    server.routes["/news/seal"] = _page(base + "/news/seal", title="Walrus spotted near the pier", word="walrus")
    FetchAttempt.objects.all().delete()
    Article.objects.update(feed_entry_hash="stale")  # the feed's item reads otherwise: an edit, fetched again
    Article.objects.update(fetched_at=original.fetched_at.replace(year=2000))

    report = feed_refresh(feed=feed, context=context)

    assert (report.items_new, report.items_updated, report.items_moved) == (0, 1, 0)
    assert Article.objects.get().pk == original.pk
    assert not ArticleAddress.objects.exists()


def test_another_title_or_another_outlet_with_the_same_text_is_another_article(harbour, serve):  # noqa: F811
    server, feed, context = harbour
    base = server.base
    server.routes["/feed.xml"] = _feed(base, ("/news/seal-2", "Second seal sighting"))
    server.routes["/news/seal-2"] = _page(base + "/news/seal-2", title="Second seal sighting")
    other = serve({})
    other_feed = make_feed(make_publisher(policy="full", homepage=other.base + "/"), url=other.base + "/feed.xml")
    other.routes["/feed.xml"] = _feed(other.base, ("/wire/seal", TITLE))
    other.routes["/wire/seal"] = _page(other.base + "/wire/seal")

    same_outlet = feed_refresh(feed=feed, context=context)
    other_outlet = feed_refresh(feed=other_feed, context=context)

    assert (same_outlet.items_new, same_outlet.items_moved) == (1, 0)
    assert (other_outlet.items_new, other_outlet.items_moved) == (1, 0)
    assert Article.objects.count() == 3
    assert not ArticleAddress.objects.exists()


def test_a_recurring_title_with_the_same_teaser_on_another_day_is_another_article(serve):  # noqa: F811
    """A daily column ("Morning briefing") behind a paywall: same title, same teaser text, another day's address."""
    server = serve({})
    base = server.base
    feed = make_feed(make_publisher(policy="full", homepage=base + "/"), url=base + "/feed.xml")
    context = IngestContext.from_settings(allow_loopback=True)
    for day in ("2026-12-01", "2026-12-02"):
        server.routes["/feed.xml"] = _feed(base, (f"/briefing/{day}", "Morning briefing"))
        server.routes[f"/briefing/{day}"] = _page(
            base + f"/briefing/{day}", title="Morning briefing", published=f"{day}T06:00:00+00:00"
        )

        report = feed_refresh(feed=feed, context=context)

        assert (report.items_new, report.items_moved) == (1, 0)
    assert Article.objects.count() == 2
    assert not ArticleAddress.objects.exists()


def test_a_taken_down_text_stays_out_under_a_new_address(harbour):
    server, feed, context = harbour
    base = server.base
    notice = _notice(base + "/news/seal")
    assert rights.takedown_operator_remove(request=notice, actor="op") == 1
    _move_to_section(server)

    report = feed_refresh(feed=feed, context=context)

    assert (report.items_new, report.items_moved, report.entries_taken_down) == (0, 0, 1)
    assert not Article.objects.exists()


def test_a_notice_naming_the_old_address_removes_the_moved_article_and_blocks_both(harbour):
    server, feed, context = harbour
    base = server.base
    _move_to_section(server)
    feed_refresh(feed=feed, context=context)
    notice = _notice(base + "/news/seal")

    assert rights.takedown_operator_remove(request=notice, actor="op") == 1

    assert not Article.objects.exists()
    urls = set(Tombstone.objects.filter(kind=Tombstone.Kind.URL).values_list("url", flat=True))
    assert {base + "/news/seal", base + "/section/seal"} <= urls
