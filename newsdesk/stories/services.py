"""Writes of the stories app: an article's near-duplicate signature and syndication group, and its story.

`article_stories_update` is what the ingest pipeline calls once an article is stored; `stories_rebuild` is what
`newsdesk reprocess` calls. The math lives in `newsdesk.reader.dedup` and `newsdesk.reader.cluster`; here it meets
the database: band keys find candidate copies, the open stories' states are loaded under the assignment turn.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from newsdesk.articles.models import Article
from newsdesk.articles.services import article_reclassify
from newsdesk.common.content_version import content_version_bump
from newsdesk.reader.cluster import ClusterOptions, StoryClusterer, StoryState, article_features
from newsdesk.reader.dedup import CopyFacts, NearDupSignature, PrimaryTally, SignatureError, choose_among
from newsdesk.reader.urls import site_key
from newsdesk.stories.counts import story_counts_refresh
from newsdesk.stories.embedding import articles_embed, assignment_embedder, story_state_dump, story_state_restore
from newsdesk.stories.models import (
    ArticleSignature,
    SignatureBand,
    Story,
    StoryAssignmentTurn,
    StoryMembership,
    SyndicationGroup,
)

log = logging.getLogger(__name__)

CLUSTER_OPTIONS = ClusterOptions()
# Candidate copies judged per article: a wire text rarely has more outlets than this.
MAX_CANDIDATES = 200
# Open stories loaded for one assignment (the most recently active ones).
MAX_OPEN_STORIES = 2000
NEW_STORY = "new"


def _text_of(article: Article) -> str:
    return article.body_text or article.summary or ""


def _time_of(article: Article) -> datetime:
    return article.published_at or article.fetched_at


# --- wire copies -----------------------------------------------------------------------------------------------


def article_signature_store(*, article: Article) -> ArticleSignature:
    """Compute and store the article's signature and band keys, and put it in a syndication group with its
    near-duplicates (merging their groups), re-choosing the group's primary."""
    signature = NearDupSignature.of_text(f"{article.title}\n{_text_of(article)}")
    row, _ = ArticleSignature.objects.update_or_create(article=article, defaults={"signature": signature.to_json()})
    SignatureBand.objects.filter(article=article).delete()
    keys = signature.band_keys()
    SignatureBand.objects.bulk_create([SignatureBand(key=key, article=article) for key in keys])
    copies = _near_duplicates(article, signature, keys)
    if copies:
        _group_join(row, copies)
    return row


def _near_duplicates(article: Article, signature: NearDupSignature, keys: list[str]) -> list[ArticleSignature]:
    """The candidates that are near-duplicates of the article, but of a group only the first member found to be
    one: joining a group takes in all of it, so a group's other members need not be judged (a wire text carried by
    thousands of outlets fills the candidates with its own copies; one comparison, not hundreds, finds it)."""
    if not keys:
        return []
    candidate_ids = list(
        SignatureBand.objects.filter(key__in=keys)
        .exclude(article=article)
        .values_list("article_id", flat=True)
        .distinct()[:MAX_CANDIDATES]
    )
    group_of = dict(ArticleSignature.objects.filter(article_id__in=candidate_ids).values_list("pk", "group_id"))
    first_of_group: dict[int, int] = {}
    for pk in sorted(group_of):
        if group_of[pk] is not None:
            first_of_group.setdefault(group_of[pk], pk)
    firsts = [pk for pk in group_of if group_of[pk] is None or first_of_group[group_of[pk]] == pk]
    rest = sorted(set(group_of) - set(firsts))
    matches: list[ArticleSignature] = []
    matched_groups: set[int] = set()
    for batch in (firsts, rest):
        batch = [pk for pk in batch if group_of[pk] is None or group_of[pk] not in matched_groups]
        if not batch:
            continue
        candidates = (
            ArticleSignature.objects.filter(pk__in=batch)
            .select_related("article")
            .only("signature", "group_id", "article__wire_credit")
            .order_by("pk")
        )
        for other in candidates:
            if other.group_id is not None and other.group_id in matched_groups:
                continue
            try:
                theirs = NearDupSignature.from_json(other.signature)
            except SignatureError:
                continue
            same_credit = bool(article.wire_credit) and article.wire_credit == other.article.wire_credit
            if signature.is_near_duplicate(theirs, same_credit=same_credit):
                matches.append(other)
                if other.group_id is not None:
                    matched_groups.add(other.group_id)
    return matches


def _group_join(row: ArticleSignature, copies: list[ArticleSignature]) -> None:
    group_ids = sorted({c.group_id for c in copies if c.group_id} | ({row.group_id} if row.group_id else set()))
    if group_ids:
        group = SyndicationGroup.objects.get(pk=group_ids[0])
        # The usual case, one more copy of a text already grouped: judged against the group's tally.
        simple = row.group_id is None and len(group_ids) == 1 and all(c.group_id == group.pk for c in copies)
        if simple and _group_add(group, row):
            return
        # Copies already in other groups bring their whole group: the groups were one text all along.
        ArticleSignature.objects.filter(group_id__in=group_ids[1:]).update(group=group)
        SyndicationGroup.objects.filter(pk__in=group_ids[1:]).delete()
    else:
        group = SyndicationGroup.objects.create()
    # Only the rows not in it yet: the copies found are mostly its members already (a write each was N per copy).
    ArticleSignature.objects.filter(pk__in=[row.pk, *(c.pk for c in copies)]).exclude(group=group).update(group=group)
    syndication_group_refresh(group=group)


_FACTS = (
    "article_id",
    "is_repeat",
    "article__original_url",
    "article__canonical_url",
    "article__published_at",
    "article__wire_credit",
    "article__publisher__name",
)
# A site key a LIKE can find in the stored URLs as they were written: an IDNA host (stored in Unicode, perhaps), a
# percent-encoded or IPv6 one make the group recount instead.
_PLAIN_SITE = re.compile(r"(?!.*xn--)[a-z0-9.-]+(:[0-9]+)?")


def _copy_facts(
    pk: int, original: str, canonical: str, published: datetime | None, credit: str, name: str
) -> CopyFacts:
    return CopyFacts(
        key=pk,
        url=original or canonical,
        canonical_url=canonical,
        published_at=published,
        wire_credit=credit,
        publisher_name=name,
        order=pk,
    )


def _group_add(group: SyndicationGroup, row: ArticleSignature) -> bool:
    """Add one new copy to a group by its tally: the new primary is the previous one, the new copy, or a copy the
    new copy's canonical points at (only their ranks changed). One row of facts read (a few when the canonical
    names a site), the new copy's mark written, and the old and new primary's when it moves. False, with nothing
    written, when the group has no usable tally: the caller recounts it."""
    tally = PrimaryTally.from_json(group.tally)
    previous = group.primary_id
    if tally is None or tally.size != group.size or previous is None:
        return False
    # Its facts as stored (the times in UTC, as every other copy's are read).
    _, _, *facts = ArticleSignature.objects.filter(pk=row.pk).values_list(*_FACTS).get()
    new = _copy_facts(row.article_id, *facts)
    lifted = tally.add(new)
    wanted = Q(article_id=previous)
    if lifted:
        if not _PLAIN_SITE.fullmatch(lifted):
            return False
        host = lifted.split(":")[0]
        wanted |= Q(article__original_url__icontains=host) | Q(
            article__original_url="", article__canonical_url__icontains=host
        )
    rows = ArticleSignature.objects.filter(wanted, group=group).exclude(pk=row.pk).values_list(*_FACTS)
    candidates = [_copy_facts(pk, *facts) for pk, _, *facts in rows]
    candidates = [c for c in candidates if c.key == previous or site_key(c.url) == lifted]
    if not any(c.key == previous for c in candidates):
        return False
    choice = choose_among([*candidates, new], tally)
    group.primary_id = choice.primary
    group.reasons = list(choice.reasons)
    group.wire_credit = tally.wire_credit()
    group.size = tally.size
    group.tally = tally.to_json()
    group.save()
    ArticleSignature.objects.filter(pk=row.pk).update(group=group, is_repeat=choice.primary != row.article_id)
    flipped = [row.article_id]
    if choice.primary != previous:
        ArticleSignature.objects.filter(group=group, article_id=previous).update(is_repeat=True)
        ArticleSignature.objects.filter(group=group, article_id=choice.primary).update(is_repeat=False)
        flipped += [previous, choice.primary]
    _stories_recount(flipped)
    return True


def syndication_group_refresh(*, group: SyndicationGroup) -> None:
    """Re-choose the group's primary from all its copies (a new group, merged groups, a copy gone) and mark every
    other copy a repeat; its tally recounted.

    The copies' facts come in one query of plain values, only the rows whose repeat mark changes are written, and
    only the stories holding one of those are recounted."""
    rows = list(ArticleSignature.objects.filter(group=group).order_by("article_id").values_list(*_FACTS))
    if not rows:
        group.delete()
        return
    copies = [_copy_facts(pk, *facts) for pk, _, *facts in rows]
    tally = PrimaryTally.of(copies)
    choice = choose_among(copies, tally)
    group.primary_id = choice.primary
    group.reasons = list(choice.reasons)
    group.wire_credit = tally.wire_credit()
    group.size = len(rows)
    group.tally = tally.to_json()
    group.save()
    flipped = [pk for pk, repeat, *_ in rows if repeat != (pk != choice.primary)]
    if not flipped:
        return
    ArticleSignature.objects.filter(group=group, is_repeat=False).exclude(article_id=choice.primary).update(
        is_repeat=True
    )
    ArticleSignature.objects.filter(group=group, article_id=choice.primary, is_repeat=True).update(is_repeat=False)
    _stories_recount(flipped)


def _stories_recount(article_ids: list[int]) -> None:
    """Recount the stories of these articles (their repeat marks changed)."""
    if not StoryMembership.objects.filter(article_id__in=article_ids).exists():
        return  # a new copy has no story yet: its assignment counts it
    # Story rows are written in the story turn: under the wire turn alone, a worker grouping a copy and another
    # assigning stories updated the same stories in opposite orders (a deadlock on PostgreSQL, seen in the
    # two-workers world test). Wire turn, then story turn; assignment never takes the wire turn, so no cycle.
    # The stories are read once the turn is ours: the assignment it waited for may have merged some away.
    _turn(STORY_TURN)
    their_stories = StoryMembership.objects.filter(article_id__in=article_ids).values("story_id")
    for story in Story.objects.filter(pk__in=their_stories).order_by("pk"):
        story_counts_refresh(story)


# --- stories ---------------------------------------------------------------------------------------------------


def _open_stories(at: datetime, options: ClusterOptions) -> list[Story]:
    window = Q(last_seen__gte=at - options.quiet_period, first_seen__lte=at + options.quiet_period)
    return list(Story.objects.filter(window, size__gt=0).order_by("-last_seen")[:MAX_OPEN_STORIES])


# The rows of StoryAssignmentTurn: one lock for story assignment, one for wire-copy grouping (so a worker storing
# signatures never waits for another's story assignment, only for another's signatures).
STORY_TURN = 1
WIRE_TURN = 2


def _turn(which: int = STORY_TURN) -> None:
    """Take a turn (one worker at a time) until the transaction ends: the row lock on PostgreSQL, the IMMEDIATE
    transaction on SQLite."""
    StoryAssignmentTurn.objects.get_or_create(id=which)
    StoryAssignmentTurn.objects.select_for_update().get(id=which)


def story_assign(*, article: Article, options: ClusterOptions = CLUSTER_OPTIONS) -> Story:
    """Put the article in the best open story, or open one; its story when it already has one."""
    stories_assign(articles=[article], options=options)
    return StoryMembership.objects.select_related("story").get(article=article).story


def stories_assign(*, articles: list[Article], options: ClusterOptions = CLUSTER_OPTIONS) -> int:
    """Assign articles (oldest first) to stories in one turn: the open stories of their time span are loaded once,
    then each article joins the best one or opens one, as if they had arrived one by one. How many were assigned."""
    with transaction.atomic():
        _turn()
        assigned = set(StoryMembership.objects.filter(article__in=articles).values_list("article_id", flat=True))
        todo = sorted((a for a in articles if a.pk not in assigned), key=lambda a: (_time_of(a), a.pk))
        if not todo:
            return 0
        clusterer = StoryClusterer(options)
        embedder = assignment_embedder()
        vectors = articles_embed(todo, embedder)
        window = Q(
            last_seen__gte=_time_of(todo[0]) - options.quiet_period,
            first_seen__lte=_time_of(todo[-1]) + options.quiet_period,
        )
        stories = {
            story.pk: story
            for story in Story.objects.filter(window, size__gt=0).order_by("-last_seen")[:MAX_OPEN_STORIES]
        }
        for story in stories.values():
            clusterer.load(story.pk, story_state_restore(story.state, embedder))
        joined: dict[int, tuple[object, float]] = {}
        for article in todo:
            result = clusterer.assign(
                title=article.title,
                text=_text_of(article),
                language=article.language,
                at=_time_of(article),
                new_key=(NEW_STORY, article.pk),
                vector=vectors.get(article.pk),
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
        Story.objects.filter(pk__in=gone).delete()
        StoryMembership.objects.bulk_create(
            [
                StoryMembership(
                    article=a, story=final[clusterer.resolve(joined[a.pk][0])], score=round(joined[a.pk][1], 4)
                )
                for a in todo
            ]
        )
        for key, story in final.items():
            story.state = story_state_dump(clusterer.state_of(key))
            story_counts_refresh(story)
        content_version_bump(soft=True)  # new members only: nothing a reader saw goes away
    return len(todo)


def story_members_refresh(*, story: Story) -> None:
    """A story that lost members (a takedown, a deletion): recomputed from the members left, or deleted when none
    is left (an empty story has nothing to show)."""
    if not StoryMembership.objects.filter(story=story).exists():
        story.delete()
        return
    story_counts_refresh(story)


def article_stories_update(*, article: Article) -> None:
    """What ingestion calls for a stored article: its wire-copy group, then its story."""
    articles_stories_update(articles=[article])


def articles_stories_update(*, articles: list[Article]) -> None:
    """What ingestion calls after a refresh stored new articles: their wire-copy groups, then their stories (one
    assignment turn for all of them)."""
    for article in articles:
        with transaction.atomic():
            # Two copies of one wire text stored at once by two workers would each look for the other before
            # either committed (PostgreSQL's READ COMMITTED) and land in two groups: one worker at a time.
            _turn(WIRE_TURN)
            article_signature_store(article=article)
    stories_assign(articles=articles)


def articles_stories_revise(*, articles: list[Article], options: ClusterOptions = CLUSTER_OPTIONS) -> None:
    """What ingestion calls for articles whose text or title changed in place (a publisher's edit): each leaves
    its wire-copy group and its story, which are recomputed without it (the headline and lead follow), then it is
    grouped and assigned again as if it had just arrived — back into the same story when it still fits."""
    for article in articles:
        with transaction.atomic():
            _turn(WIRE_TURN)
            _group_leave(article)
            article_signature_store(article=article)
    with transaction.atomic():
        _turn()
        story_ids = set(StoryMembership.objects.filter(article__in=articles).values_list("story_id", flat=True))
        StoryMembership.objects.filter(article__in=articles).delete()
        for story in Story.objects.filter(pk__in=story_ids):
            _story_state_rebuild(story, options)
        stories_assign(articles=articles, options=options)


def _group_leave(article: Article) -> None:
    """Take the article out of its wire-copy group (its text changed: it may no longer be a copy); the group's
    primary is re-chosen from the copies left."""
    row = ArticleSignature.objects.filter(article=article, group__isnull=False).select_related("group").first()
    if row is None:
        return
    ArticleSignature.objects.filter(pk=row.pk).update(group=None, is_repeat=False)
    syndication_group_refresh(group=row.group)


def _story_state_rebuild(story: Story, options: ClusterOptions) -> None:
    """A story's clustering state from its members (oldest first, as they arrived), its counts, headline and lead
    with it; deleted when no member is left. A state cannot drop one member's terms: it only sums them."""
    members = sorted(
        Article.objects.filter(story_membership__story=story).only(
            "title", "body_text", "summary", "language", "published_at", "fetched_at"
        ),
        key=lambda a: (_time_of(a), a.pk),
    )
    if not members:
        story.delete()
        return
    state = StoryState()
    vectors = articles_embed(members, assignment_embedder())  # the sum cannot drop one member's embedding either
    for member in members:
        state.add(
            article_features(member.title, _text_of(member)),
            language=member.language,
            at=_time_of(member),
            options=options,
            vector=vectors.get(member.pk),
        )
    story.state = story_state_dump(state)
    story_counts_refresh(story)


def stories_close(*, now: datetime, options: ClusterOptions = CLUSTER_OPTIONS) -> int:
    """Mark stories quiet for longer than the quiet period closed; how many were. In the story turn: one UPDATE of
    many stories, beside a worker's assignment updating some of them in another order, could deadlock them."""
    with transaction.atomic():
        _turn()
        return Story.objects.filter(is_closed=False, last_seen__lt=now - options.quiet_period).update(is_closed=True)


# --- batch -----------------------------------------------------------------------------------------------------


def stories_rebuild(
    *,
    since: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 500,
) -> int:
    """Rebuild each stored article's language, search stems and category, then signatures, groups and stories
    (articles published since `since`, or all), oldest first, as if they arrived again; how many articles were
    processed."""
    articles = Article.objects.all()
    if since is not None:
        articles = articles.filter(Q(published_at__gte=since) | Q(published_at__isnull=True, fetched_at__gte=since))
    ids = list(articles.values_list("pk", flat=True))
    with transaction.atomic():
        ids += _stories_forget(ids)
    ordered = Article.objects.filter(pk__in=ids).order_by("published_at", "fetched_at", "pk")
    ids = list(ordered.values_list("pk", flat=True))
    for done, chunk in enumerate(_chunks(ids, batch)):
        for article in Article.objects.filter(pk__in=chunk).select_related("publisher", "category"):
            with transaction.atomic():
                _turn(WIRE_TURN)
                # Language, stems and category first: the signature and the clustering read the language.
                article_reclassify(article=article)
                article_signature_store(article=article)
        stories_assign(articles=list(Article.objects.filter(pk__in=chunk)))
        if progress is not None:
            progress(min((done + 1) * batch, len(ids)), len(ids))
    content_version_bump()
    return len(ids)


def _stories_forget(ids: list[int]) -> list[int]:
    """Drop the articles' signatures, memberships and the stories they were in; the other members of those stories
    (whose ids it returns) must be assigned again, since a story's state remembers every member."""
    story_ids = set(StoryMembership.objects.filter(article_id__in=ids).values_list("story_id", flat=True))
    group_ids = set(ArticleSignature.objects.filter(article_id__in=ids).values_list("group_id", flat=True)) - {None}
    wanted = set(ids)
    others = [
        pk
        for pk in StoryMembership.objects.filter(story_id__in=story_ids).values_list("article_id", flat=True)
        if pk not in wanted
    ]
    StoryMembership.objects.filter(story_id__in=story_ids).delete()
    Story.objects.filter(pk__in=story_ids).delete()
    SignatureBand.objects.filter(article_id__in=ids).delete()
    ArticleSignature.objects.filter(article_id__in=ids).delete()
    for group in SyndicationGroup.objects.filter(pk__in=group_ids):
        syndication_group_refresh(group=group)
    return others


def _chunks(ids: Iterable[int], size: int) -> Iterable[list[int]]:
    chunk: list[int] = []
    for pk in ids:
        chunk.append(pk)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
