"""The split and merge pass at a story's close (ClusterOptions.regroup_at_close), before the refinement.

A stream joins each article once, so the stories its early joins formed stay: two sibling events joined early stay
one story (precision), one event opened twice stays two (recall), whatever the refinement moves one member at a time
(cluster.refine). At a story's close its full-text members are clustered again by average link (the mean pair score
of two groups, over every pair: a centroid scores related events too high) and split where they fall apart below
`regroup_split_bar`, or where two groups of a few members each link above that bar but far below how their own
members link to each other (`cohesion_split`: two sibling events told in one topic's words); the largest part keeps
the story, each other part becomes a new story. Then each part, the kept one first (never into another part of the
same close), merges into the story it links best to (average link over both sides' full-text members) when that link
clears `regroup_merge_bar`, unless both sides have more than `regroup_merge_max_size` members (a merge mends a
fragment; two grown stories side by side are two events). Candidate stories are those the refinement scores the
closing story's full-text members against (each member's first ClusterOptions.refine_candidates of
StoryClusterer.candidates). Headlines alone are never split off nor counted in a link
(their scores are too close to say), so a story of headlines only is left as it is.

A pair score is the join's, all pairs at once (cluster.pair_scores). ECB+ dev (docs/benchmarks.md, "Merges and
splits at a story's close"): ten shuffled orders 0.928 -> 0.945, the file's order 0.964 -> 0.963; with the cohesion
cut ("Sibling events cut by cohesion at a story's close") 0.945 -> 0.960 and 0.9625 -> 0.9653.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from newsdesk.reader.cluster.average_link import average_link_groups, cohesion_split
from newsdesk.reader.cluster.pair_scores import pair_scores
from newsdesk.reader.cluster.refine import Member, window_reset
from newsdesk.reader.cluster.stories import StoryClusterer


@dataclass(frozen=True)
class Part:
    """Members split off the closing story into a new story."""

    story: object  # the new story's key (the clusterer's; the caller may store it under its own id)
    members: tuple[object, ...]  # Member.key of each member that left the closing story for it


@dataclass(frozen=True)
class Merge:
    """Story `source` taken into story `target` (the target keeps its key; `source` resolves to it)."""

    source: object
    target: object
    link: float  # the average link that cleared the bar


@dataclass(frozen=True)
class Regrouping:
    """What the pass did at story `story`'s close, in order: the splits, then the merges."""

    story: object
    parts: tuple[Part, ...]
    merges: tuple[Merge, ...]
    # Every story the pass changed -> its members now (a story merged away is absent; its target holds them).
    members: dict[object, tuple[Member, ...]]

    @property
    def changed(self) -> bool:
        return bool(self.parts or self.merges)


def regroup_story(
    clusterer: StoryClusterer,
    key: object,
    members: Sequence[Member],
    members_of: Callable[[object], Sequence[Member]],
) -> Regrouping:
    """At story `key`'s close: split its full-text members by average link, then merge each part (the kept one
    first) into its best-linked candidate story (see the module). Applies the splits and merges to the clusterer's
    states in place (`StoryClusterer.move` / `merge`; each split story's time window recomputed from its members'
    times) and returns them. `members` are the closing story's members now; `members_of(story)` gives another
    story's (a candidate's) members. Nothing is done when ClusterOptions.regroup_at_close is off."""
    options = clusterer.options
    if not options.regroup_at_close:
        return Regrouping(story=key, parts=(), merges=(), members={})
    closing = [member for member in members if not member.title_only]
    cap, loaded = options.regroup_max_members, 0
    # A story of more full-text members than the cap (a wire text carried by thousands of outlets) is left to the
    # refinement: the average-link split grows with the cube of its size (1,000 members: 2 CPU s; 300: 0.04).
    if not closing or (cap is not None and len(closing) > cap):
        return Regrouping(story=key, parts=(), merges=(), members={})
    groups = {key: list(members)}
    candidates: list[object] = []
    for member in closing:
        # Each member's first refine_candidates, as the refinement scores it against (ECB+ dev: the same figures as
        # with all of StoryClusterer.candidates, file order and ten shuffled orders).
        for other in clusterer.candidates(member.features, member.at)[: options.refine_candidates]:
            size = clusterer.states[other].size
            if other == key or other in groups or not size:
                continue
            # At most `regroup_max_members` candidate members read (a caller reads them from its database): a story
            # that would pass the cap is left out (a smaller one after it may still fit).
            if cap is not None and loaded + size > cap:
                continue
            groups[other] = list(members_of(other))
            candidates.append(other)
            loaded += size
    # Every link the pass needs has a closing member on one side: the parts are the closing story's, and a story
    # that takes a part in is linked to the next part through its own members and that part's.
    others = [member for story in candidates for member in groups[story] if not member.title_only]
    pairs = pair_scores(clusterer, [member.features for member in [*closing, *others]], len(closing))
    column = {id(member): i for i, member in enumerate([*closing, *others])}
    row = {id(member): i for i, member in enumerate(closing)}

    parts = _split(clusterer, key, groups, closing, pairs[:, : len(closing)])
    merges: list[Merge] = []
    # The closing story's parts were told apart just now: none takes another in (a part cut off by the cohesion
    # rule may link above the merge bar to the one it left).
    split = {key, *(part.story for part in parts)}
    for part in [key, *(part.story for part in parts)]:
        found = _best_link(clusterer, part, groups, pairs, row, column, split)
        if found is None:
            continue
        link, target = found
        clusterer.merge(target, part)
        groups[target].extend(groups.pop(part))
        merges.append(Merge(source=part, target=target, link=link))
    touched = {key, *(part.story for part in parts), *(merge.target for merge in merges)}
    return Regrouping(
        story=key,
        parts=tuple(parts),
        merges=tuple(merges),
        members={story: tuple(groups[story]) for story in touched if story in groups} if parts or merges else {},
    )


def _split(
    clusterer: StoryClusterer,
    key: object,
    groups: dict[object, list[Member]],
    closing: list[Member],
    pairs: np.ndarray,
) -> list[Part]:
    """Split the closing story's full-text members into average-link groups; the largest keeps `key` (headlines
    alone stay with it), each other becomes a new story. Returns the new stories."""
    options = clusterer.options
    found = [
        part
        for group in average_link_groups(pairs, options.regroup_split_bar)
        for part in cohesion_split(pairs, group, options.regroup_cohesion_ratio, options.regroup_cohesion_min_size)
    ]
    if len(found) < 2:
        return []
    found.sort(key=len, reverse=True)  # stable: of two equal groups, the one with the earlier member keeps the story
    parts: list[Part] = []
    for indices in found[1:]:
        leaving = [closing[i] for i in indices]
        story = clusterer.new_story()
        for member in leaving:
            clusterer.move(member.features, key, story, language=member.language, at=member.at, vector=member.vector)
        gone = {id(member) for member in leaving}
        groups[key] = [member for member in groups[key] if id(member) not in gone]
        groups[story] = leaving
        parts.append(Part(story=story, members=tuple(member.key for member in leaving)))
    for story in [key, *(part.story for part in parts)]:
        window_reset(clusterer.states[story], groups[story])
    return parts


def _best_link(
    clusterer: StoryClusterer,
    part: object,
    groups: dict[object, list[Member]],
    pairs: np.ndarray,
    row: dict[int, int],
    column: dict[int, int],
    apart: set[object] = frozenset(),
) -> tuple[float, object] | None:
    """(link, story) of the story that takes `part` in: the highest average link that clears the merge bar, among
    stories with a full-text member where at least one side has no more than the size limit; None when none does."""
    options = clusterer.options
    limit = options.regroup_merge_max_size
    rows = [row[id(member)] for member in groups[part] if not member.title_only]
    if not rows:
        return None
    best: tuple[float, object] | None = None
    for story, others in groups.items():
        if story == part or story in apart or not clusterer.states[story].size:
            continue
        if limit is not None and min(len(groups[part]), len(others)) > limit:
            continue
        columns = [column[id(member)] for member in others if not member.title_only]
        if not columns:
            continue
        link = float(pairs[np.ix_(rows, columns)].mean())
        if link >= options.regroup_merge_bar and (best is None or link > best[0]):
            best = (link, story)
    return best
