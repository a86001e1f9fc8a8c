"""The pair scores at a story's close (cluster.regroup): every full-text member against every other at once.

A pair score is the join's: article a scored against a one-member story of article b (StoryClusterer.join_values:
TF-IDF cosine, IDF-weighted entity share with its floor and the multi-word names rule, lead numbers, written year),
the two directions averaged, computed for all pairs at once as matrix products over the members' own columns (the
embedding's share is left out: full text has none by default, ClusterOptions.embedding_weight). The name-conflict
penalty is left out too: a one-member story's two leading names are one report's, not an event's, and with it the
close kept reports of one event apart (ECB+ dev, file order 0.9653 -> 0.9629; docs/benchmarks.md, "The close's pair
scores as the join's").
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from newsdesk.reader.cluster.features import ArticleFeatures
from newsdesk.reader.cluster.score_shifts import NameParts, entity_weights_apart, name_parts
from newsdesk.reader.cluster.state import _top
from newsdesk.reader.cluster.stories import StoryClusterer
from newsdesk.reader.cluster.vectors import ARTICLE_ENTITIES


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
