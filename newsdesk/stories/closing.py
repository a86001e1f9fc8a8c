"""Closing stories: a story quiet for longer than the quiet period is refined, then marked closed, a few at a time,
in the story turn (the worker's periodic job `stories_close`, and `newsdesk reprocess` after its rebuild).

Streaming assignment joins each article once, against the stories open when it came: an early wrong join depends on
the order articles arrived in. At a story's close every full-text member is scored again against the story without
it and the other stories open at its time (reader.cluster.refine), and moves where it fits better; a story of
headlines alone is scored as one article and merges whole into another it matches (refine.story_merge: every
member moves). The moves are stored here: the membership row points at the new story, both stories keep the states the clusterer holds and are
recounted, and a story left with no member is deleted, its comments handed to the story that took its members.

With ClusterOptions.regroup_at_close the story is first split and its parts merged (reader.cluster.regroup: whole
sibling events joined early come apart, a fragment opened apart joins its event), as eval/cluster_stream.py does
it: a part that stays a story is a new closed Story, every member that changed story moves through the same path (a
closing story merged into another is deleted, its comments and address handed to it), then the kept story and its
parts are refined. The candidate stories' members are read from the database (at most
ClusterOptions.regroup_max_members of them per close, each article's features derived once per run).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import NamedTuple

from django.db import transaction
from django.db.models import Max, Min, Q, TextField
from django.db.models.functions import Cast
from django.template.defaultfilters import pluralize

from newsdesk.articles.models import Article
from newsdesk.common.content_version import content_version_bump
from newsdesk.common.signals import target_replaced
from newsdesk.reader.cluster import ClusterOptions, StoryClusterer, StoryState
from newsdesk.reader.cluster.embedding import Embedder
from newsdesk.reader.cluster.refine import Member, Move, refine_story
from newsdesk.reader.cluster.regroup import regroup_story
from newsdesk.stories.counts import stories_counts_refresh
from newsdesk.stories.embedding import assignment_embedder, assignment_options, story_state_dump
from newsdesk.stories.frequencies import SeededFrequencies
from newsdesk.stories.member_states import MEMBER_FIELDS, articles_members, members_state
from newsdesk.stories.models import Story, StoryMembership
from newsdesk.stories.services import CLUSTER_OPTIONS, MAX_OPEN_STORIES, story_states_restore
from newsdesk.stories.syndication_services import article_text
from newsdesk.stories.turns import turn_take

log = logging.getLogger(__name__)

# Stories closed per run, oldest first: one run (one transaction in the story turn) stays short, and the rest close
# in the next runs (the job comes round every few minutes; reprocess runs until none is left).
CLOSE_BATCH = 50


class Closed(NamedTuple):
    stories: int  # stories closed, parts split off them included (one emptied or merged away is deleted instead)
    moved: int  # articles moved to another story by the split and merge pass and the refinement

    def __str__(self) -> str:
        moved = f", {self.moved} article{pluralize(self.moved)} moved" if self.moved else ""
        return f"{self.stories} stor{pluralize(self.stories, 'y,ies')} closed{moved}"


def stories_close(*, now: datetime, options: ClusterOptions = CLUSTER_OPTIONS, limit: int = CLOSE_BATCH) -> Closed:
    """Refine and close up to `limit` stories quiet for longer than the quiet period at `now`, the longest quiet
    first. In the story turn: one UPDATE of many stories, beside a worker's assignment updating some of them in
    another order, could deadlock them; and two workers refining one story would move its members twice."""
    with transaction.atomic():
        turn_take()
        due = list(
            Story.objects.filter(is_closed=False, last_seen__lt=now - options.quiet_period)
            .order_by("last_seen", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not due:
            return Closed(0, 0)
        moved, split = _stories_refine(due, options) if options.refine_passes else (0, 0)
        # A story emptied by its moves (or merged into another) is gone; the parts split off were made closed.
        closed = Story.objects.filter(pk__in=due).update(is_closed=True) + split
        # An article left a story page (hard); else only the API's "closed" changed, nothing a reader saw went away.
        content_version_bump(soft=not moved)
    return Closed(closed, moved)


def stories_close_quiet(*, now: datetime, options: ClusterOptions = CLUSTER_OPTIONS, limit: int = CLOSE_BATCH) -> int:
    """Close every story quiet at `now`, `limit` per transaction (workers take their turns in between), as the
    workers' job would over its next runs; how many were closed. What `newsdesk reprocess` does after its rebuild, so
    a batch rebuild ends where the workers would."""
    total = 0
    # Until none is due (a batch whose stories were all emptied by their moves closes none, and there may be more).
    while Story.objects.filter(is_closed=False, last_seen__lt=now - options.quiet_period).exists():
        total += stories_close(now=now, options=options, limit=limit).stories
    return total


def _stories_refine(due: list[int], options: ClusterOptions) -> tuple[int, int]:
    """Refine the closing stories `due` in order, each against the stories open in its members' time window (closed
    ones whose window covers it too, as assignment loads them), the changes of each stored before the next is
    refined; with ClusterOptions.regroup_at_close each is first split and its parts merged (_story_regroup). (members
    that changed story, stories split off and closed with it)."""
    span = Story.objects.filter(pk__in=due, size__gt=0).aggregate(first=Min("first_seen"), last=Max("last_seen"))
    if span["first"] is None:
        return 0, 0
    embedder = assignment_embedder()
    clusterer = StoryClusterer(assignment_options(embedder, options))
    quiet = options.quiet_period
    window = Q(last_seen__gte=span["first"] - quiet, first_seen__lte=span["last"] + quiet)
    rows = Story.objects.filter(size__gt=0).only("pk").annotate(state_text=Cast("state", TextField()))
    stories = {story.pk: story for story in rows.filter(window).order_by("-last_seen")[:MAX_OPEN_STORIES]}
    stories |= {story.pk: story for story in rows.filter(pk__in=due)}  # the closing ones, whatever the limit left
    restored = story_states_restore(stories, embedder)
    # Scored with the document frequencies assignment scores with (stories.frequencies), not the loaded states'.
    frequencies = SeededFrequencies(clusterer, embedder)
    frequencies.seed_states(state for _, _, state in restored.values())
    members_of = _StoryMembers(clusterer.options, embedder, frequencies)
    moved = split = 0
    try:
        for pk, (_, _, state) in restored.items():
            clusterer.load(pk, state, counted=True)
        for pk in due:
            if pk not in stories or pk not in clusterer.states:
                continue
            members = members_of(pk)
            rebuilt = clusterer.states[pk].size != len(members)
            if rebuilt:
                _state_rebuild(clusterer, pk, members)
                restored.pop(pk, None)
            closing = {pk: members}
            if clusterer.options.regroup_at_close:
                regrouped = _story_regroup(clusterer, pk, members, members_of, embedder)
                if regrouped.touched:
                    closing, rebuilt = regrouped.closing, False  # its state stored with the regrouping's
                    for story in regrouped.touched:  # changed in place: restored from the stored text next time
                        restored.pop(story, None)
                    members_of.forget(regrouped.touched)
                    moved, split = moved + regrouped.moved, split + regrouped.split
            for story, now in closing.items():
                moves = refine_story(clusterer, story, now)
                if story == pk and rebuilt and not moves:  # stored in step again (with moves, story_moves_apply does)
                    Story.objects.filter(pk=pk).update(state=story_state_dump(clusterer.states[pk], embedder))
                for move in moves:
                    restored.pop(move.source, None)
                    restored.pop(move.target, None)
                members_of.forget(story_moves_apply(moves=moves, states=clusterer.states, embedder=embedder))
                moved += len(moves)
    except BaseException:
        restored.clear()  # some states may have been changed in place, and none was stored
        raise
    return moved, split


# Per thread: article id -> (what its Member was derived from, the Member), for the articles the thread's closes read
# last (up to MEMBERS_KEPT): stories close a few at a time as the job comes round, and each close reads the same
# candidate stories' members again (the demo world in publication order, with the split and merge pass: a candidate
# member read 7 times on average; deriving features was a third of a close's CPU).
_derived = threading.local()
MEMBERS_KEPT = 5000


class _StoryMembers:
    """Stories' members as the clusterer compares them, for one run of closes: each article's Member derived once
    (and kept for the thread's next runs while its text, title, address, language and time are the same; a
    candidate story's members are read again by the next closes, and cluster.regroup caches its pair-score rows by
    the features object), each story's list read once until a close changes it (`forget`). The names of every
    member read are seeded in the document frequencies."""

    def __init__(self, options: ClusterOptions, embedder: Embedder | None, frequencies: SeededFrequencies) -> None:
        self.options, self.embedder, self.frequencies = options, embedder, frequencies
        self.articles: dict[int, Member] = {}
        self.stories: dict[int, list[Member]] = {}
        # What else a Member depends on: the model that embedded it, the slug words' weight of a headline alone.
        self.flavour = (embedder.model_id if embedder else None, options.title_url_weight)

    def __call__(self, story_id: object) -> list[Member]:
        found = self.stories.get(story_id)
        if found is None:
            ids = list(StoryMembership.objects.filter(story_id=story_id).values_list("article_id", flat=True))
            missing = [pk for pk in ids if pk not in self.articles]
            if missing:
                self._derive(Article.objects.filter(pk__in=missing).only(*MEMBER_FIELDS))
                self.frequencies.seed_states((), (self.articles[pk].features for pk in missing))
            # In the order they arrived (time, then id), as story_members gives them.
            found = sorted((self.articles[pk] for pk in ids), key=lambda member: (member.at, member.key))
            self.stories[story_id] = found
        return found

    def _derive(self, articles: Iterable[Article]) -> None:
        kept: dict[int, tuple] = getattr(_derived, "members", None) or {}
        fresh: dict[int, tuple] = {}
        for article in articles:
            source = (
                self.flavour,
                article.title,
                article_text(article),
                article.canonical_url,
                article.language,
                article.published_at or article.fetched_at,
            )
            known = kept.pop(article.pk, None)
            if known is not None and known[0] == source:
                self.articles[article.pk] = known[1]
                kept[article.pk] = known  # the newest last
            else:
                fresh[article.pk] = (source, article)
        # An article is kept once derived, never before: a derivation that fails (the model failing) leaves nothing
        # behind that a later close would take for a member.
        for member in articles_members([article for _, article in fresh.values()], self.options, self.embedder):
            self.articles[member.key] = member
            kept[member.key] = (fresh[member.key][0], member)
        for pk in list(kept)[: max(0, len(kept) - MEMBERS_KEPT)]:
            del kept[pk]
        _derived.members = kept

    def forget(self, story_ids: Iterable[object]) -> None:
        for story_id in story_ids:
            self.stories.pop(story_id, None)


class Regrouped(NamedTuple):
    closing: dict[int, list[Member]]  # the stories closing now (the closing one unless merged away, its parts left)
    touched: set[int]  # the stories it changed (deleted ones too)
    moved: int  # articles now in another story
    split: int  # stories split off that stayed stories


def _story_regroup(
    clusterer: StoryClusterer,
    pk: int,
    members: list[Member],
    members_of: Callable[[object], Sequence[Member]],
    embedder: Embedder | None,
) -> Regrouped:
    """The split and merge pass at story `pk`'s close (reader.cluster.regroup), stored: each part split off that
    stays a story is a new closed Story; every member whose story changed moves there through story_moves_apply
    (memberships, states, recounts; the closing story, when it merged into another, deleted with its comments handed
    on and its address redirected there). The kept part keeps the closing story's id, its page and its comments; a
    part split off gets a new id, and readers of the closing story's page no longer see its articles there (their
    article pages link to the new story)."""
    done = regroup_story(clusterer, pk, members, members_of)
    if not done.changed:
        return Regrouped({pk: members}, set(), 0, 0)
    ids: dict[object, int] = {}
    for part in done.parts:
        if part.story not in done.members:
            continue  # merged into another story: its members go there, it never gets a row
        first = min(done.members[part.story], key=lambda member: (member.at, member.key))
        # Headline, lead and counts come with the recount (story_moves_apply).
        story = Story.objects.create(headline="", first_seen=first.at, last_seen=first.at, is_closed=True)
        _state_rekey(clusterer, part.story, story.pk)
        ids[part.story] = story.pk
    links = {merge.source: merge.link for merge in done.merges}
    part_of = {key: part.story for part in done.parts for key in part.members}
    kept = clusterer.resolve(pk)
    home = {member.key for member in members}
    moves = []
    # The kept part's moves first: when the closing story merged away, its address leads where most of its members
    # went (story_moves_apply), and of equal counts to the first.
    for story in sorted(done.members, key=lambda story: story != kept):
        target = ids.get(story, story)
        if target == pk:
            continue
        for member in done.members[story]:
            if member.key in home:
                # A merge's link is the score they joined their story by; a part that stayed a story opened it (0).
                score = links.get(part_of.get(member.key, pk), 0.0)
                moves.append(Move(member=member.key, source=pk, target=target, score=score))
    touched = story_moves_apply(moves=moves, states=clusterer.states, embedder=embedder)
    for key, story_id in ids.items():
        log.info(
            "story split at close", extra={"story_id": pk, "part_story": story_id, "members": len(done.members[key])}
        )
    for merge in done.merges:  # a part merged away has no id: the story it was split off names it
        target = ids.get(merge.target, merge.target)
        log.info("story merged at close", extra={"story_id": pk, "to_story": target, "link": round(merge.link, 4)})
    closing = {
        ids.get(story, story): list(done.members[story])
        for story in (pk, *(part.story for part in done.parts))
        if story in done.members
    }
    return Regrouped(closing, touched | {pk}, len(moves), len(ids))


def _state_rekey(clusterer: StoryClusterer, key: object, pk: int) -> None:
    """The clusterer's story `key` (a part the regrouping split off) under its new Story's id `pk`: an empty story
    there takes it in whole, and `key` resolves to it."""
    clusterer.load(pk, StoryState(), counted=True)
    clusterer.merge(pk, key)


def _state_rebuild(clusterer: StoryClusterer, pk: int, members: list[Member]) -> None:
    """Story `pk`'s state from its members, when the stored one is out of step with them (one stored by an older
    state version restores empty): scored against such a state without each member, every member would look alone
    in its story and go wherever another story takes it."""
    clusterer.load(pk, members_state(members, clusterer.options), counted=True)


def story_moves_apply(
    *, moves: Sequence[Move], states: Mapping[object, StoryState], embedder: Embedder | None = None
) -> set[int]:
    """Store moves of members between stories (inside the caller's story turn): each moved article's membership
    points at its new story with the score it joined by; every story that lost or gained one stores its state as
    `states` has it (the clusterer's, which the moves were applied to; its first and last times set from the
    members left) and is recounted — a closed story stays closed. A story left with no member is deleted; its
    comments go to the story most of its members went to. The ids of the stories changed (deleted ones too)."""
    if not moves:
        return set()
    for move in moves:
        score = round(move.score, 4)
        StoryMembership.objects.filter(article_id=move.member, story_id=move.source).update(
            story_id=move.target, score=score
        )
        log.info(
            "story member moved",
            extra={"article_id": move.member, "from_story": move.source, "to_story": move.target, "score": score},
        )
    touched = {move.source for move in moves} | {move.target for move in moves}
    kept = set(StoryMembership.objects.filter(story_id__in=touched).values_list("story_id", flat=True).distinct())
    for story in Story.objects.filter(pk__in=touched - kept):
        target_replaced.send(Story, old_pk=story.pk, new_pk=_successor(story.pk, moves))
        story.delete()
    stories = list(Story.objects.filter(pk__in=kept).defer("state").order_by("pk"))
    stories_counts_refresh(stories)  # a closed story stays closed
    for story in stories:
        state = states[story.pk]
        # The members' own times (the recount's): taking one member out of a state cannot tell its new bounds.
        state.first_seen, state.last_seen = story.first_seen, story.last_seen
        story.state = story_state_dump(state, embedder)
    Story.objects.bulk_update(stories, ["state"])
    return touched


def _successor(pk: int, moves: Sequence[Move]) -> object:
    """The story that took the most of emptied story `pk`'s members (a story that gains one is never emptied)."""
    return Counter(move.target for move in moves if move.source == pk).most_common(1)[0][0]
