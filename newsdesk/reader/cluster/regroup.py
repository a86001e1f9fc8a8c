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

A pair score is the join's: article a scored against a one-member story of article b (StoryClusterer.join_values:
TF-IDF cosine, IDF-weighted entity share with its floor and the multi-word names rule, lead numbers, written year),
the two directions averaged, computed for all pairs at once as matrix products over the members' own columns (the
embedding's share is left out: full text has none by default, ClusterOptions.embedding_weight). The name-conflict
penalty is left out too: a one-member story's two leading names are one report's, not an event's, and with it the
close kept reports of one event apart (ECB+ dev, file order 0.9653 -> 0.9629; docs/benchmarks.md, "The close's pair
scores as the join's"). ECB+ dev (docs/benchmarks.md, "Merges and splits at
a story's close"): ten shuffled orders 0.928 -> 0.945, the file's order 0.964 -> 0.963; with the cohesion cut
("Sibling events cut by cohesion at a story's close") 0.945 -> 0.960 and 0.9625 -> 0.9653.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from newsdesk.reader.cluster.average_link import average_link_groups, cohesion_split
from newsdesk.reader.cluster.features import ArticleFeatures
from newsdesk.reader.cluster.refine import Member, window_reset
from newsdesk.reader.cluster.score_shifts import NameParts, entity_weights_apart, name_parts
from newsdesk.reader.cluster.state import _top
from newsdesk.reader.cluster.stories import StoryClusterer
from newsdesk.reader.cluster.vectors import ARTICLE_ENTITIES


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


def pair_scores(clusterer: StoryClusterer, articles: Sequence[ArticleFeatures], first: int | None = None) -> np.ndarray:
    """Pair scores of the `first` articles (default: all) with every article (first x len(articles)): each scored
    against a one-member story of the other, as StoryClusterer.scores does under the clusterer's document
    frequencies, the two directions averaged."""
    first = len(articles) if first is None else first
    every = _sides(clusterer, articles)
    leading = _Sides(*(value[:first] for value in every.__dict__.values()))
    return (_directed(clusterer, leading, every) + _directed(clusterer, every, leading).T) / 2


@dataclass
class _Sides:
    """A list of articles as the product sees them as an article (a_*) and as a one-member story (b_*), over the
    vocabulary's columns (dense rows on the union of their own columns, mapped on use)."""

    a_terms: list[tuple[np.ndarray, np.ndarray]]
    a_norm: np.ndarray
    a_entities: list[tuple[np.ndarray, np.ndarray]]
    a_total: np.ndarray
    b_terms: list[tuple[np.ndarray, np.ndarray]]
    b_norm: np.ndarray
    b_entities: list[tuple[np.ndarray, np.ndarray]]
    b_total: np.ndarray
    numbers: list[tuple[np.ndarray, np.ndarray]]
    years: np.ndarray
    # The multi-word names rule (ClusterOptions.phrase_conflicts): names and entities as the article's (a_*) and as
    # the one-member story's (b_*) that StoryClusterer.scores passes to score_shifts.entity_weights_apart.
    a_phrases: list[NameParts]
    a_names: list[dict[str, float]]
    b_phrases: list[NameParts]
    b_names: list[dict[str, float]]


# Per clusterer: (vocabulary.version when cached, id(features) -> (features, its _Article)). An article's sides
# change only with the document frequencies (Vocabulary.version): at the end of a stream every story closes under
# the same frequencies, and each close would weigh the same candidates again.
_CACHE: weakref.WeakKeyDictionary[StoryClusterer, tuple[int, dict[int, tuple[ArticleFeatures, _Article]]]] = (
    weakref.WeakKeyDictionary()
)


def _sides(clusterer: StoryClusterer, articles: Sequence[ArticleFeatures]) -> _Sides:
    version = clusterer.vocabulary.version
    cached = _CACHE.get(clusterer)
    if cached is None or cached[0] != version:
        cached = _CACHE[clusterer] = (version, {})
    known = cached[1]
    found: list[_Article] = []
    for features in articles:
        hit = known.get(id(features))
        if hit is None or hit[0] is not features:  # an id is reused once its object is gone
            hit = known[id(features)] = (features, _article(clusterer, features))
        found.append(hit[1])
    return _Sides(
        a_terms=[article.a_terms for article in found],
        a_norm=np.array([article.a_norm for article in found]),
        a_entities=[article.a_entities for article in found],
        a_total=np.array([article.a_total for article in found]),
        b_terms=[article.b_terms for article in found],
        b_norm=np.array([article.b_norm for article in found]),
        b_entities=[article.b_entities for article in found],
        b_total=np.array([article.b_total for article in found]),
        numbers=[article.numbers for article in found],
        years=np.array([np.nan if article.year is None else article.year for article in found], dtype=np.float64),
        a_phrases=[article.a_phrases for article in found],
        a_names=[article.a_names for article in found],
        b_phrases=[article.b_phrases for article in found],
        b_names=[article.b_names for article in found],
    )


@dataclass(frozen=True)
class _Article:
    """One article's sides (see _Sides)."""

    a_terms: tuple[np.ndarray, np.ndarray]
    a_norm: float
    a_entities: tuple[np.ndarray, np.ndarray]
    a_total: float
    b_terms: tuple[np.ndarray, np.ndarray]
    b_norm: float
    b_entities: tuple[np.ndarray, np.ndarray]
    b_total: float
    numbers: tuple[np.ndarray, np.ndarray]
    year: int | None
    a_phrases: NameParts
    a_names: dict[str, float]
    b_phrases: NameParts
    b_names: dict[str, float]


def _article(clusterer: StoryClusterer, features: ArticleFeatures) -> _Article:
    options, vocabulary = clusterer.options, clusterer.vocabulary
    weighed = clusterer.weigh(features)
    # As StoryState.add keeps them for a story of this one member (StoryClusterer._row / vectors.story_row).
    terms = _top({name: min(value, 3.0) for name, value in features.terms.items()}, options.max_terms)
    entities = _top({name: min(value, 3.0) for name, value in features.entities.items()}, options.max_entities)
    term_columns = vocabulary.columns(terms)
    term_weights = np.fromiter(terms.values(), dtype=np.float64, count=len(terms)) * vocabulary.idf(term_columns)
    entity_columns = vocabulary.columns(entities)
    shares = np.minimum(np.fromiter(entities.values(), dtype=np.float64, count=len(entities)) * 2, 1.0)
    return _Article(
        a_terms=(weighed.term_columns, weighed.term_weights),
        a_norm=weighed.term_norm,
        a_entities=(weighed.entity_columns, weighed.entity_weights),
        a_total=weighed.entity_total,
        b_terms=(term_columns, term_weights),
        b_norm=float(np.sqrt(term_weights @ term_weights)),
        b_entities=(entity_columns, shares),
        b_total=float(np.sort(shares * vocabulary.idf(entity_columns))[::-1][:ARTICLE_ENTITIES].sum()),
        numbers=_number_columns(features.numbers),
        year=features.year,
        a_phrases=name_parts(features.phrases),
        a_names=features.entities,
        b_phrases=name_parts(
            _top({name: min(value, 3.0) for name, value in features.phrases.items()}, options.max_entities)
        ),
        b_names=entities,
    )


def _number_columns(numbers: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each lead number as a column of its own: its value when it is at most six ASCII digits (lead numbers have no
    leading zeros, so two meet only when equal; small columns are placed through _places' lookup array), else its
    string's hash made negative (another script's digits, a longer number; columns of this process only, never
    stored)."""
    columns = np.unique(np.fromiter(map(_number_column, numbers), dtype=np.int64, count=len(numbers)))
    return columns, np.ones(len(columns))


def _number_column(number: str) -> int:
    return int(number) if len(number) <= 6 and number.isascii() else -1 - (hash(number) & (1 << 62) - 1)


def _dense(left: list[tuple[np.ndarray, np.ndarray]], right: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """left · rightᵀ for rows given as (columns, weights): the smaller side as a dense table on its own columns,
    the other side's entries gathered from it and summed per row."""
    if len(left) > len(right):
        return _dense(right, left).T
    out = np.zeros((len(left), len(right)))
    if not left or not right:
        return out
    left_lengths = np.fromiter((len(columns) for columns, _ in left), dtype=np.int64, count=len(left))
    left_columns = np.concatenate([columns for columns, _ in left])
    used = np.unique(left_columns)
    lengths = np.fromiter((len(columns) for columns, _ in right), dtype=np.int64, count=len(right))
    if not lengths.sum():
        return out
    columns = np.concatenate([columns for columns, _ in right])
    place_of = _places(used, columns)
    table = np.zeros((len(left), len(used) + 1))  # the last column: names the small side lacks (zeros)
    table[np.repeat(np.arange(len(left)), left_lengths), place_of(left_columns)] = np.concatenate(
        [weights for _, weights in left]
    )
    gathered = np.take(table, place_of(columns), axis=1)
    gathered *= np.concatenate([weights for _, weights in right])
    filled = lengths > 0
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])[filled]
    out[:, filled] = np.add.reduceat(gathered, starts, axis=1)
    return out


# Column ids up to this many (a vocabulary's: 0, 1, 2, …) are placed through one array indexed by id; others (the
# lead numbers' hashes) by a binary search.
DIRECT_COLUMNS = 1 << 22


def _places(used: np.ndarray, columns: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """A function giving each column (of `used`, or of `columns`) its position in `used` (sorted, unique), len(used)
    for a column not in it: what a binary search in `used` gives, through one lookup array when the columns are a
    vocabulary's small ids."""
    if not len(used):
        return lambda wanted: np.zeros(len(wanted), dtype=np.int64)
    low = min(int(used[0]), int(columns.min(initial=0)))
    high = max(int(used[-1]), int(columns.max(initial=0)))
    if low >= 0 and high < DIRECT_COLUMNS:
        position = np.full(high + 1, len(used), dtype=np.int64)
        position[used] = np.arange(len(used))
        return position.__getitem__

    def searched(wanted: np.ndarray) -> np.ndarray:
        places = np.searchsorted(used, wanted)
        inside = places < len(used)
        known = np.zeros(len(wanted), dtype=bool)
        known[inside] = used[places[inside]] == wanted[inside]
        return np.where(known, places, len(used))

    return searched


def _directed(clusterer: StoryClusterer, a: _Sides, b: _Sides) -> np.ndarray:
    """Each of `a` scored as an article against each of `b` as a one-member story (StoryClusterer.scores)."""
    options = clusterer.options
    dots = _dense(a.a_terms, b.b_terms)
    with np.errstate(divide="ignore", invalid="ignore"):
        cosine = np.where(dots > 0, dots / (a.a_norm[:, None] * b.b_norm[None, :]), 0.0)
    shared = _dense(a.a_entities, b.b_entities)
    if options.phrase_conflicts:
        for i, j, kept in _names_apart(clusterer, a, b):
            shared[i, j] = _dense([(a.a_entities[i][0], kept)], [b.b_entities[j]])[0, 0]
    totals = np.maximum(np.minimum(b.b_total[None, :], a.a_total[:, None]), options.entity_floor * a.a_total[:, None])
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(totals > 0, np.minimum(shared / totals, 1.0), cosine)
    weight = options.entity_weight
    scores = np.where(a.a_total[:, None] > 0, (1 - weight) * cosine + weight * share, cosine)
    a_has = np.array([len(columns) > 0 for columns, _ in a.numbers], dtype=bool)
    b_has = np.array([len(columns) > 0 for columns, _ in b.numbers], dtype=bool)
    if (options.number_bonus or options.number_penalty) and a_has.any() and b_has.any():
        # A one-member story agrees on its lead's numbers: shared ones move the score up, none shared down.
        both = a_has[:, None] & b_has[None, :]
        agree = _dense(a.numbers, b.numbers) > 0
        scores = scores + np.where(both, np.where(agree, options.number_bonus, -options.number_penalty), 0.0)
    if options.year_penalty:
        apart = np.abs(a.years[:, None] - b.years[None, :]) >= options.year_gap  # NaN (no year) compares False
        scores = scores - options.year_penalty * apart
    return scores


def _names_apart(clusterer: StoryClusterer, a: _Sides, b: _Sides) -> Iterator[tuple[int, int, np.ndarray]]:
    """(i, j, the entity weights of a's article i with b's one-member story j) for each pair whose multi-word names
    give shared words to two participants (score_shifts.entity_weights_apart, as StoryClusterer.scores): only pairs
    whose longer names end alike are looked at."""
    ending: dict[tuple[str, ...], list[int]] = {}
    for j, parts in enumerate(b.b_phrases):
        for tail in parts.tails:
            ending.setdefault(tail, []).append(j)
    if not ending:
        return
    for i, parts in enumerate(a.a_phrases):
        seen: set[int] = set()
        for tail in parts.tails:
            for j in ending.get(tail, ()):
                if j in seen:
                    continue
                seen.add(j)
                columns, weights = a.a_entities[i]
                kept = entity_weights_apart(
                    columns, weights, parts, b.b_phrases[j], a.a_names[i], b.b_names[j], clusterer.vocabulary
                )
                if kept is not None:
                    yield i, j, kept
