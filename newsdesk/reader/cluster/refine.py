"""The refinement pass at a story's close: its full-text members re-homed one at a time.

A stream joins each article once, against the stories it has seen so far, so an early wrong join decides which
stories form (ECB+ dev: 0.964 B-cubed F1 in its file's order, 0.906 on average over ten shuffled orders). When a story
closes, each of its full-text members is scored as an article is (StoryClusterer.join_values) against the story
without it (leave-one-out: StoryState.remove) and against the other stories open at its time that share the most
distinctive names with it (StoryClusterer.candidates, the first ClusterOptions.refine_candidates); when another story
scores higher and clears that story's join bar (StoryClusterer.join_bar), the member moves there. Up to ClusterOptions.refine_passes passes, since a move changes
what the next member is compared with. Headlines alone never move: their scores are too close for a second opinion
to beat the first (UCI dev: 0.900 -> 0.850 when they did). A story of headlines alone may instead merge whole into
another (story_merge): one headline says little, a story of them says more, so what single headlines could not
join when they arrived a closing story often can.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from newsdesk.reader.cluster.features import ArticleFeatures
from newsdesk.reader.cluster.state import StoryState
from newsdesk.reader.cluster.stories import StoryClusterer


@dataclass(frozen=True)
class Member:
    """One stored article of the closing story, its features re-derived from its text (features are a pure function
    of title, text and URL: stories.clustering_features(options, title=…, text=…, url=…, embedded=vector is not None))."""

    key: object  # the caller's article id
    features: ArticleFeatures
    title_only: bool  # a headline without text: never moved
    language: str = ""
    at: datetime | None = None
    vector: np.ndarray | None = None


@dataclass(frozen=True)
class Move:
    member: object  # Member.key
    source: object  # the story it left (the closing story)
    target: object  # the story it joined
    score: float  # its join value for the target (StoryClusterer.join_values)


def refine_story(clusterer: StoryClusterer, key: object, members: Sequence[Member]) -> list[Move]:
    """At story `key`'s close: each full-text member scored against its story without it and against the other
    stories open at its time (clusterer.candidates); moved where another story beats its own and clears that story's
    join bar; up to ClusterOptions.refine_passes passes (0: never, nor a merge). A story of headlines alone moves
    whole or not at all (story_merge). Applies the moves to the clusterer's states in
    place (source minus, target plus; rows/agreed caches dropped, index updated) and returns them in order.

    `members` are the story's members now (the keys of stories merged into it resolved by the caller); a story that
    loses every member is left at size 0 for the caller to delete. The story's time window is recomputed from the
    times of the members it keeps, so give them."""
    if not clusterer.options.refine_passes:
        return []
    if members and all(member.title_only for member in members):
        return story_merge(clusterer, key, members)
    staying = list(members)
    moves: list[Move] = []
    for _ in range(clusterer.options.refine_passes):
        moved = False
        for member in list(staying):
            if member.title_only:
                continue
            found = _better_home(clusterer, key, member)
            if found is None:
                continue
            value, target = found
            clusterer.move(member.features, key, target, language=member.language, at=member.at, vector=member.vector)
            staying = [other for other in staying if other is not member]  # by identity: a vector has no ==
            moves.append(Move(member=member.key, source=key, target=target, score=value))
            moved = True
        if not moved:
            break
    if moves:
        window_reset(clusterer.states[key], staying)
    return moves


def window_reset(state: StoryState, members: Sequence[Member]) -> None:
    """The story's time window from the times of `members`, the ones it holds now: taking members out of a state
    cannot tell its new bounds."""
    times = [member.at for member in members if member.at is not None]
    state.first_seen, state.last_seen = (min(times), max(times)) if times else (None, None)


def _better_home(clusterer: StoryClusterer, key: object, member: Member) -> tuple[float, object] | None:
    """(value, story) of the best other story that takes `member` (clears its join bar) and scores it higher than
    its own story without it does; None when its own is still the best home."""
    states = clusterer.states
    others = [
        other for other in clusterer.candidates(member.features, member.at) if other != key and states[other].size
    ][: clusterer.options.refine_candidates]
    if not others:
        return None
    state = clusterer.states[key]
    without = state.copy()
    without.remove(member.features, language=member.language, at=member.at, vector=member.vector)
    keys = [*others, key] if without.size else others
    # Scored as an article is, against the story as it would be without it (then put back as it was).
    clusterer.states[key] = without
    clusterer.forget(key)
    try:
        values = clusterer.join_values(member.features, keys, at=member.at, vector=member.vector)
    finally:
        clusterer.states[key] = state
        clusterer.forget(key)
    own = values[-1] if without.size else -np.inf  # alone in its story: any story that takes it is better
    taking = [
        (value, other)
        for value, other in zip(values[: len(others)], others, strict=True)
        if value >= clusterer.join_bar(other)
    ]
    if not taking:
        return None
    value, other = max(taking, key=lambda item: item[0])
    return (value, other) if value > own else None


def story_merge(clusterer: StoryClusterer, key: object, members: Sequence[Member]) -> list[Move]:
    """At the close of story `key`, whose `members` are headlines alone: the story scored as one article (its
    members' mean terms and entities, its summed embedding) against the other stories open at its last article's
    time; when the best scores ClusterOptions.title_close_merge_threshold or more, the smaller of the two has at
    most title_merge_max_size members and their summed embeddings are title_close_merge_cosine alike (when that is
    set: without embeddings, no merge; title_close_merge_sure_cosine for a score of title_close_merge_sure or more), every member moves there (one Move each, in order, with that score). Applied
    to the clusterer (StoryClusterer.merge: the story leaves its states, `resolve(key)` gives the target; the caller
    deletes it); [] when it stays, or when the threshold is None."""
    options = clusterer.options
    state = clusterer.states[key]
    if options.title_close_merge_threshold is None or not state.size or not members:
        return []
    found = _merge_target(clusterer, key, state)
    if found is None:
        return []
    value, target = found
    clusterer.merge(target, key)
    return [Move(member=member.key, source=key, target=target, score=value) for member in members]


def _merge_target(clusterer: StoryClusterer, key: object, state: StoryState) -> tuple[float, object] | None:
    """(value, story) of the best other story for story `key` taken as one article, if it clears the close merge
    threshold and the size limit; else None."""
    options = clusterer.options
    features = ArticleFeatures(
        terms={name: weight / state.size for name, weight in state.terms.items()},
        entities={name: weight / state.size for name, weight in state.entities.items()},
    )
    states = clusterer.states
    others = [other for other in clusterer.candidates(features, state.last_seen) if other != key and states[other].size]
    if not others:
        return None
    norm = float(np.linalg.norm(state.vector)) if state.vector is not None else 0.0
    vector = state.vector / norm if norm > 0 else None
    values = clusterer.join_values(features, others, at=state.last_seen, title_only=True, vector=vector)
    value, target = max(zip(values, others, strict=True), key=lambda item: item[0])
    limit = options.title_merge_max_size
    if value < options.title_close_merge_threshold:
        return None
    if limit is not None and min(state.size, states[target].size) > limit:
        return None
    cosine = options.title_close_merge_cosine
    sure, sure_cosine = options.title_close_merge_sure, options.title_close_merge_sure_cosine
    if cosine is not None and sure is not None and sure_cosine is not None and value >= sure:
        cosine = min(cosine, sure_cosine)
    if cosine is not None and not _close_enough(state.vector, states[target].vector, cosine):
        return None
    return value, target


def _close_enough(first: np.ndarray | None, second: np.ndarray | None, cosine: float) -> bool:
    """Whether two stories' summed embeddings are both there and at least `cosine` alike."""
    if first is None or second is None:
        return False
    norms = float(np.linalg.norm(first)) * float(np.linalg.norm(second))
    return norms > 0 and float(first @ second) / norms >= cosine
