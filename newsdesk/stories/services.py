"""Writes of the stories app: an article's story, and the orchestration of its wire-copy group then its story.

`article_stories_update` is what the ingest pipeline calls once an article is stored (`newsdesk reprocess` calls
`newsdesk.stories.rebuild`). The math lives in `newsdesk.reader.cluster`; here it meets the database: the open
stories' states are loaded under the assignment turn. Wire copies and their groups are written by
`newsdesk.stories.syndication_services`.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime

from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from newsdesk.articles.models import Article
from newsdesk.common.content_version import content_version_bump
from newsdesk.common.signals import target_replaced
from newsdesk.reader.cluster import ArticleFeatures, ClusterOptions, StoryClusterer
from newsdesk.reader.cluster.embedding import Embedder
from newsdesk.stories.counts import stories_counts_refresh, story_counts_refresh, story_image_refresh
from newsdesk.stories.embedding import (
    articles_embed,
    assignment_embedder,
    assignment_options,
    story_state_dump,
    story_state_restore,
)
from newsdesk.stories.frequencies import SeededFrequencies, counted_names
from newsdesk.stories.member_states import article_features, members_state, story_members
from newsdesk.stories.models import ArticleSignature, Story, StoryMembership
from newsdesk.stories.syndication_services import article_signature_store, article_text, group_leave
from newsdesk.stories.turns import WIRE_TURN, turn_take

log = logging.getLogger(__name__)

CLUSTER_OPTIONS = ClusterOptions()
# Open stories loaded for one assignment (the most recently active ones).
MAX_OPEN_STORIES = 2000
NEW_STORY = "new"
# Wire copies grouped in one turn by articles_stories_update. A turn per article cost a transaction and a locking
# read each (150 of a 50-article refresh's statements); a turn for a first refresh's 500 would keep other workers
# (on SQLite, every writer) waiting for all their signatures. Should one article fail, the others of its batch
# are not grouped either: they are stored in no story, and the next refresh that lists them places them
# (articles_stories_complete).
WIRE_BATCH = 50


def _time_of(article: Article) -> datetime:
    return article.published_at or article.fetched_at


# --- stories ---------------------------------------------------------------------------------------------------


def story_assign(*, article: Article, options: ClusterOptions = CLUSTER_OPTIONS) -> Story:
    """Put the article in the best open story, or open one; its story when it already has one."""
    stories_assign(articles=[article], options=options)
    return StoryMembership.objects.select_related("story").get(article=article).story


def stories_assign(*, articles: list[Article], options: ClusterOptions = CLUSTER_OPTIONS) -> int:
    """Assign articles (oldest first) to stories in one turn: the open stories of their time span are loaded once,
    then each article joins the best one or opens one, as if they had arrived one by one. How many were assigned."""
    with transaction.atomic():
        turn_take()
        assigned = set(StoryMembership.objects.filter(article__in=articles).values_list("article_id", flat=True))
        todo = sorted((a for a in articles if a.pk not in assigned), key=lambda a: (_time_of(a), a.pk))
        if not todo:
            return 0
        embedder = assignment_embedder()
        clusterer = StoryClusterer(assignment_options(embedder, options))
        # The stories their times may join: open ones, and for full text those quiet up to the late period.
        window = Q(
            last_seen__gte=_time_of(todo[0]) - options.join_window,
            first_seen__lte=_time_of(todo[-1]) + options.join_window,
        )
        # Of the open stories' rows only what a recount needs (it saves the fields it sets), and their states as
        # stored text: a state is restored again only when its text changed since this thread last read it.
        stories = {
            story.pk: story
            for story in Story.objects.filter(window, size__gt=0)
            .order_by("-last_seen")
            .only("size", "updated_at")
            .annotate(state_text=Cast("state", TextField()))[:MAX_OPEN_STORIES]
        }
        restored = story_states_restore(stories, embedder)
        vectors = articles_embed(todo, embedder)
        features = {a.pk: article_features(a, clusterer.options, vectors.get(a.pk)) for a in todo}
        names = {pk: counted_names(item) for pk, item in features.items()}  # what each counts for, kept with it
        # The document frequencies of every article assigned so far (stories.frequencies), as the bench's one
        # clusterer has them; the loaded stories' members are counted in them already.
        frequencies = SeededFrequencies(clusterer, embedder)
        frequencies.seed_states((restored[pk][2] for pk in stories), features.values())
        try:
            for pk in stories:
                clusterer.load(pk, restored[pk][2], counted=True)
            changed = _assign(clusterer, todo, vectors, features, names, stories, embedder)
        except BaseException:
            restored.clear()  # some states may have been changed in place, and none was stored
            raise
        for pk in changed:  # changed in place by the clusterer (added to, merged into or away)
            restored.pop(pk, None)
        frequencies.add(names.values())
        content_version_bump(soft=True)  # new members only: nothing a reader saw goes away
    return len(todo)


# Per thread (a worker's threads take turns): story id -> (its state as stored text, the embedder it was restored
# for, the state), for the stories of the thread's last assignment.
_restored = threading.local()


def story_states_restore(stories: dict[int, Story], embedder: Embedder | None) -> dict[int, tuple]:
    """Each open story's state, restored from its stored text or, when that text has not changed, the one this
    thread restored from it before (up to MAX_OPEN_STORIES JSON states decoded per assignment otherwise)."""
    before: dict[int, tuple] = getattr(_restored, "states", {})
    now: dict[int, tuple] = {}
    for pk, story in stories.items():
        known = before.get(pk)
        if known is not None and known[0] == story.state_text and known[1] is embedder:
            now[pk] = known
        else:
            now[pk] = (story.state_text, embedder, story_state_restore(json.loads(story.state_text), embedder))
    _restored.states = now
    return now


def _assign(
    clusterer: StoryClusterer,
    todo: list[Article],
    vectors: dict,
    features: dict[int, ArticleFeatures],
    names: dict[int, list[str]],
    stories: dict[int, Story],
    embedder: Embedder | None,
) -> list[object]:
    """Each article into the best loaded story or a new one, in order; memberships (with the `names` each article
    counts for) and stories written (each state with the id of the model, `embedder`, that made its embedding sum).
    The keys of the stories whose states changed."""
    joined: dict[int, tuple[object, float]] = {}
    for article in todo:
        result = clusterer.assign(
            title=article.title,
            text=article_text(article),
            language=article.language,
            at=_time_of(article),
            new_key=(NEW_STORY, article.pk),
            vector=vectors.get(article.pk),
            url=article.canonical_url,
            features=features[article.pk],
        )
        joined[article.pk] = (result.story, result.score)
    # Stories merged into others (an article bridged them) hand their members over and go.
    final: dict[object, Story] = {}
    for key in {clusterer.resolve(k) for k, _ in joined.values()}:
        if isinstance(key, tuple):
            first = next(a for a in todo if clusterer.resolve(joined[a.pk][0]) == key)
            at = _time_of(first)
            final[key] = Story.objects.create(
                headline=first.title[:500], language=first.language, first_seen=at, last_seen=at
            )
        else:
            final[key] = stories[key]
    gone = [pk for pk in stories if clusterer.resolve(pk) != pk]
    for pk in gone:
        StoryMembership.objects.filter(story_id=pk).update(story=final[clusterer.resolve(pk)])
        target_replaced.send(Story, old_pk=pk, new_pk=final[clusterer.resolve(pk)].pk)  # its comments follow
    if gone:  # an empty delete still costs the collector's work, on every assignment
        Story.objects.filter(pk__in=gone).delete()
    StoryMembership.objects.bulk_create(
        [
            StoryMembership(
                article=a,
                story=final[clusterer.resolve(joined[a.pk][0])],
                score=round(joined[a.pk][1], 4),
                counted_names=names[a.pk],
            )
            for a in todo
        ]
    )
    for key, story in final.items():
        story.state = story_state_dump(clusterer.state_of(key), embedder)
        story_counts_refresh(story)
    return [*final, *gone]


def story_members_refresh(*, story: Story) -> None:
    """A story that lost members (a takedown, a deletion): recomputed from the members left, or deleted when none
    is left (an empty story has nothing to show). A closed story stays closed: losing a report is no news.
    Its clustering state is rebuilt from the members left too: a removed text's terms, entities and embedding would
    otherwise still steer which articles join the story while it is open. In the story turn, as assignment writes
    states (a worker storing the state it restored before would put the removed member back)."""
    with transaction.atomic():
        turn_take()
        if not StoryMembership.objects.filter(story=story).exists():
            story.delete()
            return
        embedder = assignment_embedder()
        options = assignment_options(embedder, CLUSTER_OPTIONS)
        # Built afresh from every member, its window is already theirs (the times the recount stores; a state a
        # member is taken out of cannot tell its bounds, which is why story_moves_apply sets them).
        story.state = story_state_dump(members_state(story_members(story.pk, options, embedder), options), embedder)
        story_counts_refresh(story, reopen=False)  # one save: the counts and the state


def publisher_stories_recount(*, publisher_id: int) -> int:
    """Recount the stories the publisher's articles are in (its display policy or active flag changed: what may
    lead them and what counts changed); a closed story stays closed. Returns how many were recounted."""
    with transaction.atomic():
        turn_take()
        ids = StoryMembership.objects.filter(article__publisher_id=publisher_id).values("story_id")
        stories = list(Story.objects.filter(pk__in=ids).defer("state").order_by("pk"))
        stories_counts_refresh(stories)
    return len(stories)


def article_stories_update(*, article: Article) -> None:
    """What ingestion calls for a stored article: its wire-copy group, then its story."""
    articles_stories_update(articles=[article])


def articles_stories_update(*, articles: list[Article]) -> None:
    """What ingestion calls after a refresh stored new articles: their wire-copy groups (one wire turn for up to
    WIRE_BATCH of them), then their stories (one assignment turn for all of them)."""
    for start in range(0, len(articles), WIRE_BATCH):
        with transaction.atomic():
            # Two copies of one wire text stored at once by two workers would each look for the other before
            # either committed (PostgreSQL's READ COMMITTED) and land in two groups: one worker at a time.
            turn_take(WIRE_TURN)
            for article in articles[start : start + WIRE_BATCH]:
                article_signature_store(article=article)
    stories_assign(articles=articles)


def articles_stories_complete(*, articles: list[Article]) -> None:
    """For stored articles found in no story (a refresh cut short between storing and placing them: a worker
    killed, an assignment that failed): the wire-copy group of those without a signature yet, then their stories.
    Each step looks again in its turn, so a worker placing the same articles meanwhile is no harm."""
    for article in articles:
        with transaction.atomic():
            turn_take(WIRE_TURN)
            if not ArticleSignature.objects.filter(article=article).exists():
                article_signature_store(article=article)
    stories_assign(articles=articles)


def articles_stories_revise(*, articles: list[Article], options: ClusterOptions = CLUSTER_OPTIONS) -> None:
    """What ingestion calls for articles whose text or title changed in place (a publisher's edit): each leaves
    its wire-copy group and its story, which are recomputed without it (the headline and lead follow), then it is
    grouped and assigned again as if it had just arrived — back into the same story when it still fits."""
    for article in articles:
        with transaction.atomic():
            turn_take(WIRE_TURN)
            group_leave(article)
            article_signature_store(article=article)
    with transaction.atomic():
        turn_take()
        story_ids = set(StoryMembership.objects.filter(article__in=articles).values_list("story_id", flat=True))
        StoryMembership.objects.filter(article__in=articles).delete()
        for story in Story.objects.filter(pk__in=story_ids):
            _story_state_rebuild(story, options)
        stories_assign(articles=articles, options=options)


def _story_state_rebuild(story: Story, options: ClusterOptions) -> None:
    """A story's clustering state from its members (oldest first, as they arrived), its counts, headline and lead
    with it; deleted when no member is left. A state cannot drop one member's terms: it only sums them."""
    embedder = assignment_embedder()
    members = story_members(story.pk, options, embedder)  # the sum cannot drop one member's embedding either
    if not members:
        story.delete()
        return
    story.state = story_state_dump(members_state(members, options), embedder)
    story_counts_refresh(story)


def stories_images_follow(*, article_ids: list[int]) -> int:
    """After the image step stored the lead images of `article_ids`: their stories whose image is not one we hold
    (refused, failed, or not fetched yet: it was chosen when the story was counted, before any image was fetched)
    choose it again; how many changed. In the story turn: assignment recounts the same rows."""
    if not article_ids:
        return 0
    with transaction.atomic():
        turn_take()
        stories = Story.objects.filter(memberships__article_id__in=article_ids).filter(
            Q(image_article__isnull=True) | Q(image_article__image_key="")
        )
        changed = sum(story_image_refresh(story) for story in stories.distinct())
    if changed:
        content_version_bump(soft=True)  # pages now show the stories' images (nothing goes away)
    return changed
