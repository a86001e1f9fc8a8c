"""The numeric side of story clustering: every term and entity gets a column, document frequencies live in one
array, and an article is scored against all its candidate stories at once (numpy), not story by story and term by
term in Python.

Each story's members are kept as two small sparse rows (column ids and per-member shares of its terms and of its
entities), rebuilt only when the story changes; the candidates' rows are stacked into one segment array per
article, so a score costs a handful of array operations whatever the number of candidates.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

T = TypeVar("T")

ARTICLE_TERMS = 40
ARTICLE_ENTITIES = 25


class _Columns(dict):
    """name -> column id; an unknown name gets the next id on first lookup (so lookups stay in C)."""

    def __missing__(self, name: str) -> int:
        self[name] = column = len(self)
        return column


class Vocabulary:
    """Names (terms and entities share one namespace) -> column ids, with their running document frequencies."""

    def __init__(self) -> None:
        self.ids = _Columns()
        self.df = np.zeros(1024, dtype=np.float64)
        self.scratch = np.zeros(1024, dtype=np.float64)  # see _lookup
        # One more at every change of the frequencies (`count`, `docs`): what was weighed under an older version is
        # stale (StoryClusterer.weigh's cache).
        self.version = 0
        self._docs = 0

    @property
    def docs(self) -> int:
        """How many documents the frequencies count."""
        return self._docs

    @docs.setter
    def docs(self, value: int) -> None:
        self._docs = value
        self.version += 1

    def columns(self, names: Collection[str]) -> np.ndarray:
        found = np.fromiter(map(self.ids.__getitem__, names), dtype=np.int64, count=len(names))
        if len(self.ids) > len(self.df):
            grown = np.zeros(max(2 * len(self.df), len(self.ids)))
            grown[: len(self.df)] = self.df
            self.df = grown
            self.scratch = np.zeros(len(grown))
        return found

    def count(self, names, amounts=None) -> None:
        """Add documents that mention `names` (each once, or `amounts` times)."""
        columns = self.columns(names)
        self.version += 1
        np.add.at(self.df, columns, 1.0 if amounts is None else np.asarray(amounts, dtype=np.float64))

    def idf(self, columns: np.ndarray) -> np.ndarray:
        return np.log((self._docs + 1) / (self.df[columns] + 1)) + 1.0


class PerVersion:
    """Values worked out of objects (an article's features, its names) under one version of a vocabulary's document
    frequencies, kept until they change. Keyed by the object's id, the object kept with its value: an id is reused
    once its object is gone."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.version = -1
        self.found: dict[int, tuple[object, object]] = {}

    def get(self, thing: object, make: Callable[[object], T]) -> T:
        """`make(thing)`, once per version."""
        if self.version != self.vocabulary.version:
            self.found, self.version = {}, self.vocabulary.version
        hit = self.found.get(id(thing))
        if hit is not None and hit[0] is thing:
            return hit[1]
        value = make(thing)
        self.found[id(thing)] = (thing, value)
        return value


@dataclass(frozen=True)
class Weighed:
    """An article's most distinctive terms (TF-IDF) and entities (IDF-weighted), as columns and weights."""

    term_columns: np.ndarray
    term_weights: np.ndarray
    term_norm: float
    entity_columns: np.ndarray
    entity_weights: np.ndarray
    entity_total: float


def _top(columns: np.ndarray, weights: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    if len(weights) <= limit:
        return columns, weights
    keep = np.argpartition(-weights, limit - 1)[:limit]
    return columns[keep], weights[keep]


def weigh(vocabulary: Vocabulary, terms: dict[str, float], entities: dict[str, float]) -> Weighed:
    """The article's top TF-IDF terms and top IDF-weighted entities under the current document frequencies."""
    term_columns = vocabulary.columns(terms)
    term_weights = np.fromiter(terms.values(), dtype=np.float64, count=len(terms)) * vocabulary.idf(term_columns)
    term_columns, term_weights = _top(term_columns, term_weights, ARTICLE_TERMS)
    entity_columns = vocabulary.columns(entities)
    entity_weights = np.minimum(np.fromiter(entities.values(), dtype=np.float64, count=len(entities)), 2.0)
    entity_weights = entity_weights * vocabulary.idf(entity_columns)
    entity_columns, entity_weights = _top(entity_columns, entity_weights, ARTICLE_ENTITIES)
    return Weighed(
        term_columns=term_columns,
        term_weights=term_weights,
        term_norm=float(np.sqrt(term_weights @ term_weights)),
        entity_columns=entity_columns,
        entity_weights=entity_weights,
        entity_total=float(entity_weights.sum()),
    )


@dataclass(frozen=True)
class StoryRow:
    """One story as sparse rows: the share of its members carrying each term, and each entity (capped at 1 when
    half of them do)."""

    term_columns: np.ndarray
    term_shares: np.ndarray
    entity_columns: np.ndarray
    entity_shares: np.ndarray


def story_row(vocabulary: Vocabulary, terms: dict[str, float], entities: dict[str, float], size: int) -> StoryRow:
    size = max(size, 1)
    term_shares = np.fromiter(terms.values(), dtype=np.float64, count=len(terms)) / size
    entity_shares = np.minimum(np.fromiter(entities.values(), dtype=np.float64, count=len(entities)) / size * 2, 1.0)
    return StoryRow(
        term_columns=vocabulary.columns(terms),
        term_shares=term_shares,
        entity_columns=vocabulary.columns(entities),
        entity_shares=entity_shares,
    )


def _segments(parts: list[np.ndarray]) -> np.ndarray:
    lengths = np.fromiter((len(part) for part in parts), dtype=np.int64, count=len(parts))
    return np.repeat(np.arange(len(parts)), lengths)


def _lookup(vocabulary: Vocabulary, columns: np.ndarray, weights: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The article's weight at each of `wanted` columns (0 where it has none), through a scratch vector over the
    whole vocabulary that is zero again on return."""
    scratch = vocabulary.scratch
    scratch[columns] = weights
    found = scratch[wanted]
    scratch[columns] = 0.0
    return found


def score_rows(
    vocabulary: Vocabulary,
    article: Weighed,
    rows: list[StoryRow],
    entity_weight: float,
    top_entities: int,
    entity_floor: float = 0.0,
) -> np.ndarray:
    """Similarity in [0, 1] of the article to each story row: (1 - w) * TF-IDF cosine + w * the IDF-weighted share
    of the article's entities the story also has (over the smaller side's entity total: German capitalizes every
    noun, so a German report has many more "entities" than the English story it belongs to, and the other way; but
    over no less than `entity_floor` of the article's own total, so one shared name is not all of a story's)."""
    cosine, entity_share = score_parts(vocabulary, article, rows, top_entities, entity_floor)
    if entity_share is None:
        return cosine  # nothing to share on either side: the terms decide alone
    return (1 - entity_weight) * cosine + entity_weight * entity_share


def score_parts(
    vocabulary: Vocabulary, article: Weighed, rows: list[StoryRow], top_entities: int, entity_floor: float = 0.0
) -> tuple[np.ndarray, np.ndarray | None]:
    """The two parts `score_rows` mixes, per story row: the TF-IDF cosine of terms, and the entity share (None
    when neither side has an entity; the cosine stands in for a story whose entities total nothing)."""
    count = len(rows)
    if not count:
        return np.zeros(0), None
    term_columns = np.concatenate([row.term_columns for row in rows])
    term_segments = _segments([row.term_columns for row in rows])
    story_weights = np.concatenate([row.term_shares for row in rows]) * vocabulary.idf(term_columns)
    story_norms = np.sqrt(np.bincount(term_segments, story_weights * story_weights, minlength=count))
    dots = np.bincount(
        term_segments,
        _lookup(vocabulary, article.term_columns, article.term_weights, term_columns) * story_weights,
        count,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        cosine = np.where(dots > 0, dots / (article.term_norm * story_norms), 0.0)

    entity_columns = np.concatenate([row.entity_columns for row in rows])
    if not article.entity_total or not len(entity_columns):
        return cosine, None
    entity_segments = _segments([row.entity_columns for row in rows])
    shares = np.concatenate([row.entity_shares for row in rows])
    shared = np.bincount(
        entity_segments,
        _lookup(vocabulary, article.entity_columns, article.entity_weights, entity_columns) * shares,
        count,
    )
    story_totals = _top_sums(entity_segments, shares * vocabulary.idf(entity_columns), count, top_entities)
    totals = np.maximum(np.minimum(story_totals, article.entity_total), entity_floor * article.entity_total)
    with np.errstate(divide="ignore", invalid="ignore"):
        entity_share = np.where(totals > 0, np.minimum(shared / totals, 1.0), cosine)
    return cosine, entity_share


def _top_sums(segments: np.ndarray, values: np.ndarray, count: int, limit: int) -> np.ndarray:
    """Per segment (segments ascending), the sum of its `limit` largest values."""
    lengths = np.bincount(segments, minlength=count)
    if lengths.max() <= limit:
        return np.bincount(segments, values, minlength=count)
    # One row per segment, padded with zeros (values are positive), sorted along the row.
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    table = np.zeros((count, int(lengths.max())))
    table[segments, np.arange(len(segments)) - starts[segments]] = values
    table.sort(axis=1)
    return table[:, -limit:].sum(axis=1)
