"""The turns of story work: one worker at a time assigns stories, one at a time groups wire copies.

A turn is a row of StoryAssignmentTurn locked until the transaction ends. A worker that needs both takes the wire
turn first, then the story turn; assignment never takes the wire turn, so no two workers wait on each other.
"""

from __future__ import annotations

from django.db import connection

from newsdesk.stories.models import StoryAssignmentTurn

# The rows of StoryAssignmentTurn: one lock for story assignment, one for wire-copy grouping (so a worker storing
# signatures never waits for another's story assignment, only for another's signatures).
STORY_TURN = 1
WIRE_TURN = 2


def turn_take(which: int = STORY_TURN) -> None:
    """Take a turn (one worker at a time) until the transaction ends: the row lock on PostgreSQL, the IMMEDIATE
    transaction on SQLite (so there, inside a transaction, nothing is read: two queries per turn saved)."""
    if connection.vendor == "sqlite" and connection.in_atomic_block:
        return
    # The row exists after the first turn: lock it in one query, create it only the first time.
    if StoryAssignmentTurn.objects.select_for_update().filter(id=which).values_list("id").first() is None:
        StoryAssignmentTurn.objects.get_or_create(id=which)
        StoryAssignmentTurn.objects.select_for_update().get(id=which)
