"""What moves an article's similarity to a story up or down past the words, entities and embedding
(StoryClusterer.scores): lead numbers that agree or contradict, years apart, leading names that exclude each other.
Two similar events (two pirate captures, two jewel heists, two template-alike announcements) share their words,
not their numbers, their years or their main names."""

from __future__ import annotations

import numpy as np

from newsdesk.reader.cluster.state import ClusterOptions, StoryState
from newsdesk.reader.cluster.vectors import Vocabulary


def number_shift(agreed: frozenset[str], numbers: frozenset[str], bonus: float, penalty: float) -> float:
    """`bonus` when the article's lead `numbers` share one with the story's `agreed` ones, `-penalty` when not."""
    if not agreed:
        return 0.0  # a story whose leads agree on no number says nothing either way
    return bonus if numbers & agreed else -penalty


def years_apart(state: StoryState, year: int, options: ClusterOptions) -> bool:
    """Whether the story's dated members agree on years all `year_gap` or more from `year` (False when they
    agree on none: an undated story says nothing)."""
    agreed = state.agreed_years(options.year_share)
    return bool(agreed) and min(abs(year - other) for other in agreed) >= options.year_gap


def name_conflicts(
    mixed: np.ndarray,
    keys: list[object],
    states: dict[object, StoryState],
    names: dict[str, float],
    vocabulary: Vocabulary,
    options: ClusterOptions,
) -> np.ndarray:
    """`mixed` less `name_conflict_penalty` for each story the article could join (a score at or above the
    join threshold: the only ones a decision reads) whose leading names and the article's exclude each other:
    none of the article's `name_conflict_top` heaviest names (count x IDF; numbers aside) is among the story's
    names, and none of the story's heaviest is among the article's. Two reports of one event name its main
    participant or place; two events told alike (the same template sentences, one organisation's name suffix
    shared: "Goldenmouth Reform Alliance", "Wardbury Reform Alliance") each lead with their own. The entity
    share cannot see it: it counts what the two share, and a shared suffix and template words are enough."""
    top = leading_names(names, vocabulary, options.name_conflict_top)
    if not top:
        return mixed
    shifted = mixed.copy()
    for index in np.flatnonzero(mixed >= options.threshold):
        state = states[keys[index]]
        if any(name in state.entities for name in top):
            continue
        leading = leading_names(state.entities, vocabulary, options.name_conflict_top)
        if leading and not any(name in names for name in leading):
            shifted[index] -= options.name_conflict_penalty
    return shifted


def leading_names(names: dict[str, float], vocabulary: Vocabulary, top: int) -> list[str]:
    """The `top` heaviest names of a bag (its counts x IDF under the `vocabulary`'s document frequencies),
    numbers and a Title Case headline's stand-in words left out."""
    kept = [name for name in names if name[0] not in "#~"]
    if not kept:
        return []
    weights = np.fromiter((names[name] for name in kept), dtype=np.float64, count=len(kept))
    weights = weights * vocabulary.idf(vocabulary.columns(kept))
    # Ties by name: the same names on every run and in every clusterer, whatever order the bag was built in.
    order = sorted(range(len(kept)), key=lambda i: (-weights[i], kept[i]))
    return [kept[i] for i in order[:top]]
