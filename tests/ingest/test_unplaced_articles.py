"""An article stored by a refresh cut short before its wire-copy group and story were written (a worker killed
between the two, an assignment that failed) is placed by the feed's next refresh, not left in no story for good:
the next refresh sees its entry as stored, so it is not new."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.ingest import services as ingest_services
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.models import FetchAttempt
from newsdesk.ingest.services import feed_refresh
from newsdesk.sources.models import Feed
from newsdesk.stories.models import ArticleSignature, StoryMembership
from tests.factories import make_feed, make_publisher
from tests.sources.conftest import serve  # noqa: F401 - loopback server fixture
from tests.sources.loopback import Reply

pytestmark = pytest.mark.django_db


def _page(base: str, slug: str, title: str) -> bytes:
    paragraphs = "".join(
        f"<p>Paragraph {n} of the {title.lower()} report says the ferry left the pier at dawn.</p>" for n in range(8)
    )
    return f"""<!doctype html><html lang="en"><head><title>{title}</title>
<link rel="canonical" href="{base}/{slug}"></head>
<body><article><h1>{title}</h1>{paragraphs}</article></body></html>""".encode()


def _feed(base: str, items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><link>{base}/{slug}</link><guid>{base}/{slug}</guid></item>"
        for slug, title in items
    )
    return f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour</title><link>{base}/</link>
{entries}</channel></rss>""".encode()


class AssignmentBroke(RuntimeError):
    pass


def test_articles_stored_by_a_refresh_whose_assignment_failed_are_placed_by_the_next_refresh(serve, monkeypatch):  # noqa: F811
    server = serve({})
    base = server.base
    feed = make_feed(make_publisher(policy="full", homepage=base + "/"), url=base + "/feed.xml")
    context = IngestContext.from_settings(allow_loopback=True)
    items = [("ferry", "Ferry sails"), ("bridge", "Bridge opens")]
    server.routes["/feed.xml"] = Reply(body=_feed(base, items), content_type="application/rss+xml")
    for slug, title in items:
        server.routes[f"/{slug}"] = Reply(body=_page(base, slug, title))

    def broken(*, articles):
        raise AssignmentBroke("the worker died here")

    monkeypatch.setattr(ingest_services, "articles_stories_update", broken)
    cut_short = feed_refresh(feed=feed, context=context)
    assert cut_short.outcome == FetchAttempt.Outcome.ERROR
    assert Article.objects.count() == 2
    assert not StoryMembership.objects.exists()
    monkeypatch.undo()

    again = feed_refresh(feed=feed, context=context)

    assert (again.outcome, again.items_new) == (FetchAttempt.Outcome.OK, 0)
    stored = set(Article.objects.values_list("pk", flat=True))
    assert set(again.unplaced_article_ids) == stored
    assert set(StoryMembership.objects.values_list("article_id", flat=True)) == stored
    assert set(ArticleSignature.objects.values_list("article_id", flat=True)) == stored

    # Placed once: a third refresh has nothing left to place.
    assert feed_refresh(feed=feed, context=context).unplaced_article_ids == []


def test_an_article_whose_signature_was_stored_but_not_its_story_is_placed_without_a_second_signature(serve):  # noqa: F811
    server = serve({})
    base = server.base
    feed = make_feed(make_publisher(policy="full", homepage=base + "/"), url=base + "/feed.xml")
    context = IngestContext.from_settings(allow_loopback=True)
    server.routes["/feed.xml"] = Reply(body=_feed(base, [("ferry", "Ferry sails")]), content_type="application/rss+xml")
    server.routes["/ferry"] = Reply(body=_page(base, "ferry", "Ferry sails"))
    feed_refresh(feed=feed, context=context)
    article = Article.objects.get()
    signature = ArticleSignature.objects.get(article=article)
    # As a worker killed between the wire turn and the story turn leaves it.
    StoryMembership.objects.filter(article=article).delete()

    again = feed_refresh(feed=feed, context=context)

    assert again.unplaced_article_ids == [article.pk]
    assert StoryMembership.objects.filter(article=article).exists()
    assert ArticleSignature.objects.get(article=article).pk == signature.pk


def test_a_page_another_worker_stored_from_another_feed_is_left_to_it_while_that_feed_is_leased(serve):  # noqa: F811
    server = serve({})
    base = server.base
    publisher = make_publisher(policy="full", homepage=base + "/")
    home = make_feed(publisher, url=base + "/feed.xml")
    section = make_feed(publisher, url=base + "/section.xml")  # the same site's section feed lists the same page
    context = IngestContext.from_settings(allow_loopback=True)
    for path in ("/feed.xml", "/section.xml"):
        server.routes[path] = Reply(body=_feed(base, [("ferry", "Ferry sails")]), content_type="application/rss+xml")
    server.routes["/ferry"] = Reply(body=_page(base, "ferry", "Ferry sails"))
    feed_refresh(feed=home, context=context)
    article = Article.objects.get()
    # The moment between storing and placing, as the worker refreshing the home feed (its lease held) is in it.
    StoryMembership.objects.filter(article=article).delete()
    Feed.objects.filter(pk=home.pk).update(
        lease_owner="worker-a", lease_expires_at=timezone.now() + timedelta(minutes=5)
    )

    meanwhile = feed_refresh(feed=section, context=context)
    Feed.objects.filter(pk=home.pk).update(lease_owner="", lease_expires_at=None)  # that worker died; lease gone
    after = feed_refresh(feed=section, context=context)

    assert meanwhile.unplaced_article_ids == []
    assert after.unplaced_article_ids == [article.pk]
    assert StoryMembership.objects.filter(article=article).exists()
