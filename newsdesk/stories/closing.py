"""Closing stories: a story quiet for longer than the quiet period is marked closed, a few at a time, in the story
turn (the worker's periodic job `stories_close`, and `newsdesk reprocess` after its rebuild).

Moving an article from one story to another (what the refinement at a story's close decides) is stored here too:
the membership row points at the new story, both stories keep the states the clusterer holds and are recounted, and a
story left with no member is deleted, its comments handed to the story that took its members.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from django.db import transaction

from newsdesk.common.content_version import content_version_bump
from newsdesk.common.signals import target_replaced
from newsdesk.reader.cluster import ClusterOptions, StoryState
from newsdesk.reader.cluster.embedding import Embedder
from newsdesk.stories.counts import story_counts_refresh
from newsdesk.stories.embedding import story_state_dump
from newsdesk.stories.models import Story, StoryMembership
from newsdesk.stories.services import CLUSTER_OPTIONS
from newsdesk.stories.turns import turn_take

log = logging.getLogger(__name__)

# Stories closed per run, oldest first: one run (one transaction in the story turn) stays short, and the rest close
# in the next runs (the job comes round every few minutes; reprocess runs until none is left).
CLOSE_BATCH = 50


class MoveLike(Protocol):
    """A member moved from one story to another (reader.cluster.refine.Move): keys are our ids."""

    member: object  # the article's id
    source: object  # the story it left
    target: object  # the story it joined
    score: float  # its similarity to the story it joined


def stories_close(*, now: datetime, options: ClusterOptions = CLUSTER_OPTIONS, limit: int = CLOSE_BATCH) -> int:
    """Close up to `limit` stories quiet for longer than the quiet period at `now`, the longest quiet first; how
    many were closed. In the story turn: one UPDATE of many stories, beside a worker's assignment updating some of
    them in another order, could deadlock them."""
    with transaction.atomic():
        turn_take()
        due = list(
            Story.objects.filter(is_closed=False, last_seen__lt=now - options.quiet_period)
            .order_by("last_seen", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not due:
            return 0
        closed = Story.objects.filter(pk__in=due).update(is_closed=True)
        content_version_bump(soft=True)  # the API says whether a story is closed; nothing a reader saw goes away
    return closed


def stories_close_quiet(*, now: datetime, options: ClusterOptions = CLUSTER_OPTIONS) -> int:
    """Close every story quiet at `now`, CLOSE_BATCH per transaction (workers take their turns in between), as the
    workers' job would over its next runs; how many were closed. What `newsdesk reprocess` does after its rebuild, so
    a batch rebuild ends where the workers would."""
    total = 0
    while closed := stories_close(now=now, options=options):
        total += closed
    return total


def story_moves_apply(
    *, moves: Sequence[MoveLike], states: Mapping[object, StoryState], embedder: Embedder | None = None
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
        target_replaced.send(Story, old_pk=story.pk, new_pk=_successor(story.pk, moves, kept))
        story.delete()
    for story in Story.objects.filter(pk__in=kept).defer("state"):
        story_counts_refresh(story, reopen=False)
        state = states[story.pk]
        # The members' own times (the recount's): taking one member out of a state cannot tell its new bounds.
        state.first_seen, state.last_seen = story.first_seen, story.last_seen
        story.state = story_state_dump(state, embedder)
        story.save(update_fields=["state"])
    return touched


def _successor(pk: object, moves: Sequence[MoveLike], kept: set[int]) -> object:
    """The story that took the most of story `pk`'s members, followed on when that one was emptied too."""
    seen = {pk}
    while pk not in kept:
        took = Counter(move.target for move in moves if move.source == pk)
        pk = took.most_common(1)[0][0]  # an emptied story lost every member to a move
        if pk in seen:  # members swapped both ways and both emptied: impossible, but never loop
            break
        seen.add(pk)
    return pk
