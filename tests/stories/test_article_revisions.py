"""An article its publisher edits in place is re-grouped by the next real refresh: its feed entry says "updated",
the page is fetched again and the row updated, and then its wire-copy group and its story are recomputed without
it (the story's headline and lead follow) before it is placed again — in another story when it now reports on
another event, in the same one after a small correction. On the simulated world, through real feed refreshes."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.common.content_version import content_version
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.demo import world_directory_load
from newsdesk.ingest.runner import run_cycle
from newsdesk.sources.models import Feed
from newsdesk.stories.models import ArticleSignature, Story, StoryMembership
from newsdesk.stories.services import CLUSTER_OPTIONS
from newsdesk_world.generator import generate_world
from newsdesk_world.revisions import rewritten_for_event
from newsdesk_world.server import serve_world
from tests.db_snapshot import DatabaseSnapshot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # refresh threads commit

LANGUAGES = ("en", "fr")  # two languages are enough for cross-language stories, and keep the refreshes short


@pytest.fixture(scope="module")
def world_server():
    server = serve_world(generate_world(seed=7, slow_delay_s=0.2))
    yield server
    server.stop()


@pytest.fixture
def context():
    context = IngestContext.from_settings(allow_loopback=True)
    yield context
    context.close()


def _ingest(world_server, context) -> dict[int, object]:
    """The world's en/fr publishers through real refreshes; {article pk: world article}."""
    world_directory_load(world_server.base_url, context)
    Feed.objects.exclude(publisher__language__in=LANGUAGES).update(is_paused=True)
    stats = run_cycle(context=context, full_pass=True)
    assert stats.articles_new > 50
    by_url = {world_server.article_url(a): a for a in world_server.world.articles}
    return {pk: by_url[url] for pk, url in Article.objects.values_list("pk", "canonical_url")}


@pytest.fixture(scope="module")
def ingested(django_db_setup, django_db_blocker, world_server):
    """One ingest for the module (it is most of each test's time): the database it leaves is copied, and emptied
    again for the modules after this one."""
    with django_db_blocker.unblock():
        context = IngestContext.from_settings(allow_loopback=True)
        try:
            stored = _ingest(world_server, context)
        finally:
            context.close()
        snapshot = DatabaseSnapshot()
        call_command("flush", interactive=False, verbosity=0)
        yield snapshot, stored
        snapshot.drop()


@pytest.fixture
def stored(ingested, transactional_db, world_server) -> dict[int, object]:
    """Each test starts from the ingested database and the world as ingested, whatever the one before changed."""
    snapshot, stored = ingested
    world = world_server.world
    snapshot.restore()
    yield stored
    world_server.revisions_undo(world)


def _edit_shows(article: Article) -> bool:
    """Whether the article's feed says when an entry was updated (Atom and JSON Feed do; RSS 2.0 items have no
    such date: an edit there is seen only when the item's title, summary or content changed, which
    tests/ingest/test_rss_edits.py covers; see newsdesk/ingest/entry_refresh.py)."""
    return article.feed.url.endswith(("/atom.xml", "/feed.json"))


def _story_of(article: Article) -> Story:
    return StoryMembership.objects.select_related("story").get(article=article).story


def _group_members(group_id: int | None) -> set[int]:
    assert group_id is not None
    return set(ArticleSignature.objects.filter(group_id=group_id).values_list("article_id", flat=True))


def _refresh_after_a_while(context, *articles: Article):
    """Some time later (past REFETCH_AFTER since their fetch), the next full refresh."""
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(fetched_at=timezone.now() - timedelta(hours=1))
    return run_cycle(context=context, full_pass=True)


def test_an_article_rewritten_about_another_event_leaves_its_story_and_group_for_the_right_ones(
    world_server, context, stored
):
    # The lead of the biggest story that is also a wire copy's primary: every recomputation is seen.
    primaries = set(
        ArticleSignature.objects.filter(group__isnull=False, is_repeat=False).values_list("article_id", flat=True)
    )
    story = max(
        (
            s
            for s in Story.objects.select_related("lead_article__feed")
            if s.lead_article_id in primaries and _edit_shows(s.lead_article)
        ),
        key=lambda s: (s.size, -s.pk),
        default=None,
    )
    assert story is not None
    assert story.size >= 3
    lead, size_before = Article.objects.get(pk=story.lead_article_id), story.size
    group = lead.signature.group
    copies_before = set(ArticleSignature.objects.filter(group=group).values_list("article_id", flat=True))
    # Another event this publisher's language reports on, with several stored articles, one of them within the quiet
    # period of the lead's time: the rewritten report keeps that time, and a story takes no article days away.
    events = Counter(item.event for item in stored.values() if item.language == lead.language)
    near = {
        item.event
        for item in stored.values()
        if item.language == lead.language and abs(item.published - lead.published_at) <= CLUSTER_OPTIONS.quiet_period
    }
    other_event = next(e for e, n in events.most_common() if e != stored[lead.pk].event and n >= 3 and e in near)
    headline, paragraphs = rewritten_for_event(world_server.world, stored[lead.pk], other_event)
    world_server.article_revise(stored[lead.pk], headline=headline, paragraphs=paragraphs)
    version = content_version()

    stats = _refresh_after_a_while(context, lead)

    assert (stats.articles_new, stats.articles_updated) == (0, 1)
    lead.refresh_from_db()
    assert lead.title == headline
    # It left its story, which now shows another member's headline, and one member fewer.
    story.refresh_from_db()
    assert story.size == size_before - 1
    assert StoryMembership.objects.filter(story=story).count() == story.size
    assert not StoryMembership.objects.filter(story=story, article=lead).exists()
    assert story.lead_article_id != lead.pk
    assert story.headline != headline
    assert story.headline == Article.objects.get(pk=story.lead_article_id).title
    # It joined the story of the event it now reports on.
    new_story = _story_of(lead)
    events_there = Counter(stored[pk].event for pk in new_story.memberships.values_list("article_id", flat=True))
    assert events_there.most_common(1)[0][0] == other_event
    assert new_story.size == sum(events_there.values()) >= 2
    # It is no copy of its old wire text any more; the copies left credit one of themselves.
    signature = ArticleSignature.objects.get(article=lead)
    assert signature.group_id != group.pk
    assert not signature.is_repeat
    left = copies_before - {lead.pk}
    if len(left) > 1:
        group.refresh_from_db()
        assert group.primary_id in left
        assert set(ArticleSignature.objects.filter(group=group).values_list("article_id", flat=True)) == left
        assert ArticleSignature.objects.filter(group=group, is_repeat=False).count() == 1
    assert content_version() != version
    # Nothing else moved: every article is in exactly one story whose size counts it.
    assert StoryMembership.objects.count() == len(stored)
    assert sum(Story.objects.values_list("size", flat=True)) == len(stored)


def test_a_small_correction_keeps_the_article_in_its_story_and_group(world_server, context, stored):
    grouped = ArticleSignature.objects.filter(group__isnull=False, group__size__gte=2).select_related("article__feed")
    signature = next(s for s in grouped if _edit_shows(s.article) and _story_of(s.article).size >= 2)
    article, story = signature.article, _story_of(signature.article)
    copies = _group_members(signature.group_id)
    item = stored[article.pk]
    fixed = (item.paragraphs[0].replace(" ", "  ", 1).rstrip(".") + " (corrected).", *item.paragraphs[1:])
    world_server.article_revise(item, headline=item.headline + " (update)", paragraphs=fixed)

    stats = _refresh_after_a_while(context, article)

    assert stats.articles_updated == 1
    article.refresh_from_db()
    assert article.title.endswith("(update)")
    assert _story_of(article).pk == story.pk
    assert Story.objects.get(pk=story.pk).size == story.size
    # The same copies, in one group again: the article left its group and rejoined it, and a group left with one
    # copy is dissolved and formed anew, so its id is not kept (PostgreSQL's sequences never hand an id out twice).
    assert _group_members(ArticleSignature.objects.get(article=article).group_id) == copies


def test_an_unchanged_article_is_not_fetched_again_before_its_feed_says_it_was_updated(world_server, context, stored):
    pk, item = next((pk, item) for pk, item in stored.items() if _edit_shows(Article.objects.get(pk=pk)))
    path = item.path
    world_server.requests.clear()

    run_cycle(context=context, full_pass=True)  # the feeds are unchanged: 304s, no page fetched
    Article.objects.filter(pk=pk).update(fetched_at=timezone.now() - timedelta(hours=1))
    world_server.article_revise(item, headline=item.headline)  # "updated" now, same text: fetched, left as it is
    stats = run_cycle(context=context, full_pass=True)

    fetched = [r.path for r in world_server.requests.snapshot() if r.path.split("?")[0] == path]
    assert len(fetched) == 1
    assert stats.articles_updated == 0
    assert Article.objects.get(pk=pk).fetched_at > timezone.now() - timedelta(minutes=5)
