"""What `newsdesk reprocess` calls: every stored article's stories rebuilt from scratch, in batches, or every stored
story recounted in place. Assignment itself is `newsdesk.stories.services.stories_assign`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

from django.db import transaction
from django.db.models import Q

from newsdesk.articles.models import Article
from newsdesk.articles.services import article_reclassify
from newsdesk.common.content_version import content_version_bump
from newsdesk.stories.counts import RECOUNT_BATCH, stories_counts_refresh
from newsdesk.stories.embedding import assignment_embedder, assignment_options
from newsdesk.stories.frequencies import frequencies_recounted
from newsdesk.stories.models import Story, StoryMembership, StoryRedirect
from newsdesk.stories.services import CLUSTER_OPTIONS, stories_assign
from newsdesk.stories.syndication_services import article_signature_store, signatures_forget
from newsdesk.stories.turns import WIRE_TURN, turn_take

# stories_rebuild reports its progress every this many articles, within a batch too.
PROGRESS_STEP = 50
T = TypeVar("T")


def stories_rebuild(
    *,
    since: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 500,
) -> int:
    """Rebuild each stored article's language, search stems and category, then signatures, groups and stories
    (articles published since `since`, or all, and any article in no story), oldest first, as if they arrived
    again; how many articles were processed."""
    articles = Article.objects.all()
    if since is not None:
        articles = articles.filter(Q(published_at__gte=since) | Q(published_at__isnull=True, fetched_at__gte=since))
    ids = list(articles.values_list("pk", flat=True))
    # And every article in no story, whatever its time: the members older than `since` of the stories an interrupted
    # rebuild had dropped (its first transaction commits before any article is assigned again), or an article stored
    # by a worker killed before its assignment. Run again, a rebuild so finishes what was cut short.
    wanted = set(ids)
    ids += [
        pk
        for pk in Article.objects.filter(story_membership__isnull=True).values_list("pk", flat=True)
        if pk not in wanted
    ]
    with transaction.atomic():
        # Both turns, in their order (stories.turns): it drops signatures and groups, memberships and stories, and
        # recounts the document frequencies assignment adds to.
        turn_take(WIRE_TURN)
        turn_take()
        # Counted again as they are assigned again: the document frequencies start from the articles left in stories.
        embedder = assignment_embedder()
        with frequencies_recounted(assignment_options(embedder, CLUSTER_OPTIONS), embedder):
            ids += _stories_forget(ids)
    ordered = Article.objects.filter(pk__in=ids).order_by("published_at", "fetched_at", "pk")
    ids = list(ordered.values_list("pk", flat=True))
    report = progress or (lambda done, total: None)
    report(0, len(ids))
    done = 0
    for chunk in _chunks(ids, batch):
        for article in Article.objects.filter(pk__in=chunk).select_related("publisher", "category"):
            with transaction.atomic():
                turn_take(WIRE_TURN)
                # Language, stems and category first: the signature and the clustering read the language.
                article_reclassify(article=article)
                article_signature_store(article=article)
            done += 1
            # Within the batch too: one batch can be a whole demo, and a bar at 0 until its end looks stuck.
            if done % PROGRESS_STEP == 0 and done % batch:
                report(done, len(ids))
        stories_assign(articles=list(Article.objects.filter(pk__in=chunk)))
        report(done, len(ids))
    content_version_bump()
    return len(ids)


def stories_recount(*, progress: Callable[[int, int], None] | None = None, batch: int = RECOUNT_BATCH) -> int:
    """Recount every stored story's counts, lead and image from its members as this code counts them, in place:
    members, ids and clustering states kept, a closed story stays closed. Stories counted by older code keep their
    old lead and counts until something recounts them; this is that something (`newsdesk reprocess --counts-only`).
    `batch` stories per transaction in the story turn, so workers take turns in between; how many were recounted."""
    ids = list(Story.objects.order_by("pk").values_list("pk", flat=True))
    for done, chunk in enumerate(_chunks(ids, batch)):
        with transaction.atomic():
            turn_take()
            stories_counts_refresh(list(Story.objects.filter(pk__in=chunk).defer("state").order_by("pk")))
        if progress is not None:
            progress(min((done + 1) * batch, len(ids)), len(ids))
    content_version_bump()
    return len(ids)


def _stories_forget(ids: list[int]) -> list[int]:
    """Drop the articles' signatures, memberships and the stories they were in; the other members of those stories
    (whose ids it returns) must be assigned again, since a story's state remembers every member."""
    story_ids = set(StoryMembership.objects.filter(article_id__in=ids).values_list("story_id", flat=True))
    wanted = set(ids)
    others = [
        pk
        for pk in StoryMembership.objects.filter(story_id__in=story_ids).values_list("article_id", flat=True)
        if pk not in wanted
    ]
    StoryMembership.objects.filter(story_id__in=story_ids).delete()
    # Forgotten with them, as before redirects outlived their story (a takedown's leaves them answering 410 Gone).
    StoryRedirect.objects.filter(story_id__in=story_ids).delete()
    Story.objects.filter(pk__in=story_ids).delete()
    signatures_forget(ids)
    return others


def _chunks(items: Iterable[T], size: int) -> Iterable[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
