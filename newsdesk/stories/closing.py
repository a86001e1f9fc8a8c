"""Closing stories: a story quiet for longer than the quiet period is refined, then marked closed, a few at a time,
in the story turn (the worker's periodic job `stories_close`, and `newsdesk reprocess` after its rebuild).

Streaming assignment joins each article once, against the stories open when it came: an early wrong join depends on
the order articles arrived in. At a story's close every full-text member is scored again against the story without
it and the other stories open at its time (reader.cluster.refine), and moves where it fits better; a story of
headlines alone is scored as one article and merges whole into another it matches (refine.story_merge: every
member moves). The moves are stored here: the membership row points at the new story, both stories keep the states the clusterer holds and are
recounted, and a story left with no member is deleted, its comments handed to the story that took its members.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import NamedTuple

from django.db import transaction
from django.db.models import Max, Min, Q, TextField
from django.db.models.functions import Cast

from newsdesk.common.content_version import content_version_bump
from newsdesk.common.signals import target_replaced
from newsdesk.reader.cluster import ClusterOptions, StoryClusterer, StoryState
from newsdesk.reader.cluster.embedding import Embedder
from newsdesk.reader.cluster.refine import Member, Move, refine_story
from newsdesk.stories.counts import stories_counts_refresh
from newsdesk.stories.embedding import assignment_embedder, assignment_options, story_state_dump
from newsdesk.stories.frequencies import SeededFrequencies
from newsdesk.stories.member_states import members_state, story_members
from newsdesk.stories.models import Story, StoryMembership
from newsdesk.stories.services import CLUSTER_OPTIONS, MAX_OPEN_STORIES, story_states_restore
from newsdesk.stories.turns import turn_take

log = logging.getLogger(__name__)

# Stories closed per run, oldest first: one run (one transaction in the story turn) stays short, and the rest close
# in the next runs (the job comes round every few minutes; reprocess runs until none is left).
CLOSE_BATCH = 50


class Closed(NamedTuple):
    stories: int  # stories closed (one emptied by its moves is deleted instead)
    moved: int  # articles moved to another story by the refinement

    def __str__(self) -> str:
        moved = f", {self.moved} article{'s' if self.moved != 1 else ''} moved" if self.moved else ""
        return f"{self.stories} stories closed{moved}"


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
        moved = _stories_refine(due, options) if options.refine_passes else 0
        closed = Story.objects.filter(pk__in=due).update(is_closed=True)  # a story emptied by its moves is gone
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


def _stories_refine(due: list[int], options: ClusterOptions) -> int:
    """Refine the closing stories `due` in order, each against the stories open in its members' time window (closed
    ones whose window covers it too, as assignment loads them), the moves of each stored before the next is refined;
    how many members moved."""
    span = Story.objects.filter(pk__in=due, size__gt=0).aggregate(first=Min("first_seen"), last=Max("last_seen"))
    if span["first"] is None:
        return 0
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
    moved = 0
    try:
        for pk, (_, _, state) in restored.items():
            clusterer.load(pk, state, counted=True)
        for pk in due:
            if pk not in stories:
                continue
            members = story_members(pk, clusterer.options, embedder)
            frequencies.seed_states((), (member.features for member in members))
            rebuilt = clusterer.states[pk].size != len(members)
            if rebuilt:
                _state_rebuild(clusterer, pk, members)
                restored.pop(pk, None)
            moves = refine_story(clusterer, pk, members)
            if rebuilt and not moves:  # stored in step again (with moves, story_moves_apply stores it)
                Story.objects.filter(pk=pk).update(state=story_state_dump(clusterer.states[pk], embedder))
            for move in moves:  # changed in place: restored from the stored text next time
                restored.pop(move.source, None)
                restored.pop(move.target, None)
            story_moves_apply(moves=moves, states=clusterer.states, embedder=embedder)
            moved += len(moves)
    except BaseException:
        restored.clear()  # some states may have been changed in place, and none was stored
        raise
    return moved


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
