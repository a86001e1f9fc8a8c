"""What moves an article's similarity to a story up or down past the words, entities and embedding
(StoryClusterer.scores): lead numbers that agree or contradict, years apart, leading names that exclude each other.
Two similar events (two pirate captures, two jewel heists, two template-alike announcements) share their words,
not their numbers, their years or their main names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from newsdesk.reader.cluster.state import ClusterOptions, StoryState
from newsdesk.reader.cluster.vectors import ARTICLE_ENTITIES, StoryRow, Vocabulary, Weighed, score_rows


def number_shift(agreed: frozenset[str], numbers: frozenset[str], bonus: float, penalty: float) -> float:
    """`bonus` when the article's lead `numbers` share one with the story's `agreed` ones, `-penalty` when not."""
    if not agreed:
        return 0.0  # a story whose leads agree on no number says nothing either way
    return bonus if numbers & agreed else -penalty


def years_apart(agreed: frozenset[int], year: int, options: ClusterOptions) -> bool:
    """Whether a story's dated members, which `agreed` on these years (StoryState.agreed_years), wrote them all
    `year_gap` or more from `year` (False when they agree on none: an undated story says nothing)."""
    return bool(agreed) and min(abs(year - other) for other in agreed) >= options.year_gap


def name_conflicts(
    mixed: np.ndarray,
    keys: list[object],
    states: dict[object, StoryState],
    names: dict[str, float],
    top: list[str],
    leading_of: Callable[[object], list[str]],
    options: ClusterOptions,
) -> np.ndarray:
    """`mixed` less `name_conflict_penalty` for each story the article could join (a score at or above the
    join threshold: the only ones a decision reads) whose leading names and the article's exclude each other:
    none of the article's `name_conflict_top` heaviest names (count x IDF; numbers aside) is among the story's
    names, and none of the story's heaviest is among the article's. Two reports of one event name its main
    participant or place; two events told alike (the same template sentences, one organisation's name suffix
    shared: "Goldenmouth Reform Alliance", "Wardbury Reform Alliance") each lead with their own. The entity
    share cannot see it: it counts what the two share, and a shared suffix and template words are enough. `top` are
    the article's leading names (`leading_names` of `names`), `leading_of(key)` story `key`'s, under the same document
    frequencies."""
    if not top:
        return mixed
    shifted = mixed.copy()
    for index in np.flatnonzero(mixed >= options.threshold):
        state = states[keys[index]]
        if any(name in state.entities for name in top):
            continue
        leading = leading_of(keys[index])
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


# Two names ending in the same words after different ones ("Goldenmouth Reform Alliance", "Wardbury Reform
# Alliance"; "Port Sharon General Hospital", "Shieldsview General Hospital") are two organisations of one kind. One
# word in common says less: "Indian Ocean" and "Pacific Ocean" are two, "Persian Gulf" and "Arabian Gulf" one, and
# a first name is shared by many people (ECB+: any shared word of two names taken apart cost 0.02 on a fold).
SHARED_TAIL = 2


@dataclass(frozen=True)
class NameParts:
    """A bag's multi-word names as names_apart compares them: the last SHARED_TAIL words of each longer name ->
    the names ending in them (as word tuples); all its names (the word sets of the few whose words are in question
    are made when asked)."""

    tails: dict[tuple[str, ...], list[tuple[str, ...]]]
    names: tuple[str, ...]

    def holding(self, word: str) -> list[frozenset[str]]:
        """The names (as word sets) that `word` is part of."""
        return [words for words in map(frozenset, map(str.split, self.names)) if word in words]


def name_parts(phrases: dict[str, float]) -> NameParts:
    tails: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for phrase in phrases:
        if phrase.count(" ") >= SHARED_TAIL:  # most names are two words: no split for them
            name = tuple(phrase.split())
            tails.setdefault(name[-SHARED_TAIL:], []).append(name)
    return NameParts(tails, tuple(phrases))


def names_apart(
    article: NameParts, story: NameParts, article_names: dict[str, float], story_names: dict[str, float]
) -> set[str]:
    """The words of the names the article and the story end alike after different words (SHARED_TAIL), unless
    a name of one side holding the word is part of a name of the other ("Reform Alliance" of "Wardbury Reform
    Alliance" and of "Goldenmouth Reform Alliance" names two organisations; "General Hospital" of "Shieldsview
    General Hospital" and of "Gesundheitsministerin Joann Miller Shieldsview General Hospital", a German sentence's
    nouns run together with the names, one)."""
    apart: set[str] = set()
    for tail in article.tails.keys() & story.tails.keys():
        for name in article.tails[tail]:
            for other in story.tails[tail]:
                # Their other words (the organisation's owner: "Wardbury", "Goldenmouth") must be names of one side
                # alone: "President-elect Barack Obama" and "President Barack Obama" are one man where either side
                # also names a "President" or a "President-elect".
                if (
                    name != other
                    and not any(w in story_names for w in name[:-SHARED_TAIL])
                    and not any(w in article_names for w in other[:-SHARED_TAIL])
                ):
                    apart.update(tail)
    return {
        word
        for word in apart
        if not any(name <= other or other <= name for name in article.holding(word) for other in story.holding(word))
    }


def shared_names_apart(
    mixed: np.ndarray,
    article: Weighed,
    keys: list[object],
    rows: list[StoryRow],
    phrases: dict[str, float],
    names: dict[str, float],
    parts_of: Callable[[object], NameParts],
    states: dict[object, StoryState],
    vocabulary: Vocabulary,
    options: ClusterOptions,
) -> np.ndarray:
    """`mixed` scored again for each story with which the article shares name words that their multi-word names
    give to two participants (names_apart): those words' weights left out of the shared part of the entity share,
    not of the article's entity total (they are still its names, only not the story's). Full text only."""
    parts = name_parts(phrases)
    if not parts.tails:
        return mixed
    shifted = mixed
    for index, key in enumerate(keys):
        kept = entity_weights_apart(
            article.entity_columns,
            article.entity_weights,
            parts,
            parts_of(key),
            names,
            states[key].entities,
            vocabulary,
        )
        if kept is None:
            continue
        if shifted is mixed:
            shifted = mixed.copy()
        shifted[index] = score_rows(
            vocabulary,
            replace(article, entity_weights=kept),
            [rows[index]],
            options.entity_weight,
            ARTICLE_ENTITIES,
            options.entity_floor,
        )[0]
    return shifted


def entity_weights_apart(
    columns: np.ndarray,
    weights: np.ndarray,
    parts: NameParts,
    known: NameParts,
    names: dict[str, float],
    story_names: dict[str, float],
    vocabulary: Vocabulary,
) -> np.ndarray | None:
    """The article's entity `weights` (at `columns`) with the words of the names it and a story give to two
    participants (names_apart: the article's multi-word names `parts` and `names`, the story's `known` and
    `story_names`) set to 0, for the shared part of its entity share with that story; None when there are none (one
    rule for the join, StoryClusterer.scores, and the pair scores at a story's close, cluster.regroup)."""
    apart = names_apart(parts, known, names, story_names) if parts.tails and known.tails else None
    if not apart:
        return None
    return np.where(np.isin(columns, vocabulary.columns(apart)), 0.0, weights)
