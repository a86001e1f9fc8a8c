"""Streaming story clustering: each article joins the most similar open story or opens one, with no recompute.

A story's state is what its members have in common: how many of them mention each term and each entity (the
most frequent ones only), its size, its languages and its first and last article times. An article is compared
with every story that shares a term or an entity with it and whose time window it falls in (so a late article
still finds the story it belongs to; a full-text article up to ClusterOptions.late_period past it, at a higher
bar): the score mixes the TF-IDF cosine of terms (same-language wording) with the IDF-weighted share of the
article's entities the story also has (names and places, which cross languages). IDF is the clusterer's running
document frequency, so common words weigh less as the stream goes on. The scoring of all candidates at once is
numpy's (cluster.vectors). When the caller also gives an article's embedding (cluster.embedding), each story keeps
the sum of its members' embeddings and the score mixes in the cosine to it: that is what joins headlines that say
the same thing in other words ("fuel prices surge" / "gas prices rise").
Last, the numbers of the article's headline and lead (counts, amounts, years) move the score up when they agree with
the story's and down when they contradict them: two similar events (two pirate captures, two jewel heists) share
their words, not their numbers; and an article written years after the story's dated members (its dateline, for
text that came without a publish time) is another event of the same kind (those shifts: cluster.score_shifts).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter

import numpy as np

from newsdesk.reader.cluster.features import ArticleFeatures, article_features
from newsdesk.reader.cluster.score_shifts import (
    NameParts,
    leading_names,
    name_conflicts,
    name_parts,
    number_shift,
    shared_names_apart,
    years_apart,
)
from newsdesk.reader.cluster.state import COMMON_MIN, ClusterOptions, StoryState
from newsdesk.reader.cluster.vectors import (
    ARTICLE_ENTITIES,
    PerVersion,
    StoryRow,
    Vocabulary,
    Weighed,
    score_rows,
    story_row,
    weigh,
)


@dataclass(frozen=True)
class Assignment:
    story: object  # the story's key: the caller's (a Story id) or the clusterer's own counter
    score: float  # similarity to the story it joined; 0.0 when it opened one
    opened: bool
    # Other stories the article matched as well: they were the same event all along and were merged into `story`
    # (an article bridging two stories opened apart, e.g. when articles arrive out of order).
    merged: tuple = ()


def clustering_features(
    options: ClusterOptions, *, title: str, text: str = "", url: str = "", embedded: bool = False
) -> ArticleFeatures:
    """The features the clusterer compares for one article: a headline alone without an embedding also takes its
    URL slug's words (ClusterOptions.title_url_weight)."""
    weight = options.title_url_weight if not embedded and not text.strip() else 0.0
    return article_features(title, text, url, weight)


def document_names(features: ArticleFeatures) -> set[str]:
    """The names an article adds to the document frequencies when it is assigned, once each."""
    return {*features.terms, *features.entities}


class StoryClusterer:
    """Holds the stories' states in memory and assigns articles one at a time.

    `load` puts known stories in (a worker loads the open ones from the database); `assign` returns the story an
    article joins, or a new key when it opens one; `state_of` gives the state to store back.
    """

    def __init__(self, options: ClusterOptions | None = None) -> None:
        self.options = options or ClusterOptions()
        self.states: dict[object, StoryState] = {}
        self._index: dict[str, set[object]] = {}
        self._vocabulary = Vocabulary()
        self._rows: dict[object, StoryRow] = {}  # a story's sparse rows, dropped whenever the story changes
        self._agreed: dict[object, frozenset[str]] = {}  # a story's agreed lead numbers, dropped likewise
        self._name_parts: dict[object, NameParts] = {}  # a story's multi-word names taken apart, dropped likewise
        self._years: dict[object, frozenset[int]] = {}  # a story's agreed written years, dropped likewise
        # What depends on the document frequencies, kept while they stay as they are (Vocabulary.version): at a
        # story's close nothing is counted, so refine's passes and regroup's pair scores weigh each member once, not
        # again per pass and per close. An article's weights and leading names, and a story's leading names.
        self._weighed = PerVersion(self._vocabulary)
        self._leading_names = PerVersion(self._vocabulary)
        self._story_leading: dict[object, list[str]] = {}
        self._story_leading_version = -1
        self._next_key = 0
        self._parts_opened = 0
        self.merged_into: dict[object, object] = {}

    def frequencies_seed(self, documents: int, counts: dict[str, int]) -> None:
        """Start from known document frequencies: `documents` articles seen before, `counts[name]` of them
        mentioning each name (the caller's record of every article, as one clusterer over the whole stream counts
        them); stories loaded with `counted=True` then add nothing to them."""
        self._vocabulary.count(list(counts), list(counts.values()))
        self._vocabulary.docs += documents

    def load(self, key: object, state: StoryState, *, counted: bool = False) -> None:
        """Add a known story; unless its members are `counted` in the seeded frequencies already, they count
        towards document frequencies as if seen again (their top names only: a state keeps no more)."""
        self.states[key] = state
        self.forget(key)
        for name in (*state.terms, *state.entities):
            self._index.setdefault(name, set()).add(key)
        if counted:
            return
        members = max(state.size, 1)
        bags = (*state.terms.items(), *state.entities.items())
        self._vocabulary.count([name for name, _ in bags], [min(members, max(1, round(count))) for _, count in bags])
        self._vocabulary.docs += state.size

    def weigh(self, features: ArticleFeatures) -> Weighed:
        """The article's TF-IDF terms and IDF-weighted entities under the current document frequencies."""
        return self._weighed.get(features, lambda _: weigh(self._vocabulary, features.terms, features.entities))

    def _row(self, key: object) -> StoryRow:
        row = self._rows.get(key)
        if row is None:
            state = self.states[key]
            row = self._rows[key] = story_row(self._vocabulary, state.terms, state.entities, state.size)
        return row

    def scores(
        self,
        article: Weighed,
        keys: list[object],
        *,
        title_only: bool = False,
        vector: np.ndarray | None = None,
        numbers: frozenset[str] = frozenset(),
        year: int | None = None,
        names: dict[str, float] | None = None,
        phrases: dict[str, float] | None = None,
    ) -> list[float]:
        """Similarity of an article to each of these stories, all at once (the embedding's share, when `vector`
        is given, is shifted so an unrelated story's cosine counts against it), moved up or down by whether the
        article's lead `numbers` agree with the story's, and down when the `year` it was written in is years away from
        the story's (full text only), and with the share of the name words the article's multi-word `phrases` and the
        story's say belong to other participants left out (ClusterOptions.phrase_conflicts)."""
        options = self.options
        weight = options.title_entity_weight if title_only else options.entity_weight
        rows = [self._row(key) for key in keys]
        floor = 0.0 if title_only else options.entity_floor
        mixed = score_rows(self._vocabulary, article, rows, weight, ARTICLE_ENTITIES, floor)
        if phrases and not title_only and options.phrase_conflicts:
            mixed = shared_names_apart(
                mixed,
                article,
                keys,
                rows,
                phrases,
                names or {},
                self._name_parts_of,
                self.states,
                self._vocabulary,
                options,
            )
        share = options.title_embedding_weight if title_only else options.embedding_weight
        sums = [self.states[key].vector for key in keys] if vector is not None and share else []
        known = np.fromiter((total is not None for total in sums), dtype=bool, count=len(sums))
        if known.any():
            stacked = np.stack([total if total is not None else vector for total in sums])
            norms = np.linalg.norm(stacked, axis=1)
            cosine = (stacked @ vector) / np.where(norms > 0, norms, 1.0)
            # A story stored before embeddings were given has none: the words decide alone for it.
            mixed = np.where(known, (1 - share) * mixed + share * (cosine - options.embedding_shift), mixed)
        bonus = options.title_number_bonus if title_only else options.number_bonus
        penalty = options.title_number_penalty if title_only else options.number_penalty
        if numbers and (bonus or penalty):
            mixed = mixed + np.fromiter(
                (number_shift(self._agreed_of(key), numbers, bonus, penalty) for key in keys),
                dtype=np.float64,
                count=len(keys),
            )
        if year is not None and not title_only and options.year_penalty:
            mixed = mixed - options.year_penalty * np.fromiter(
                (years_apart(self._years_of(key), year, options) for key in keys), dtype=np.float64, count=len(keys)
            )
        if names and not title_only and options.name_conflict_penalty:
            top = self._leading_names.get(
                names, lambda _: leading_names(names, self._vocabulary, options.name_conflict_top)
            )
            mixed = name_conflicts(mixed, keys, self.states, names, top, self._leading_of, options)
        return mixed.tolist()

    def _name_parts_of(self, key: object) -> NameParts:
        parts = self._name_parts.get(key)
        if parts is None:
            parts = self._name_parts[key] = name_parts(self.states[key].phrases)
        return parts

    def _leading_of(self, key: object) -> list[str]:
        """Story `key`'s leading names (score_shifts.leading_names) under the current document frequencies."""
        if self._story_leading_version != self._vocabulary.version:
            self._story_leading, self._story_leading_version = {}, self._vocabulary.version
        names = self._story_leading.get(key)
        if names is None:
            names = self._story_leading[key] = leading_names(
                self.states[key].entities, self._vocabulary, self.options.name_conflict_top
            )
        return names

    def _years_of(self, key: object) -> frozenset[int]:
        years = self._years.get(key)
        if years is None:
            years = self._years[key] = self.states[key].agreed_years(self.options.year_share)
        return years

    def _agreed_of(self, key: object) -> frozenset[str]:
        agreed = self._agreed.get(key)
        if agreed is None:
            agreed = self._agreed[key] = self.states[key].agreed_numbers(self.options.number_share)
        return agreed

    def candidates(self, features: ArticleFeatures, at: datetime | None, *, late: bool = False) -> list[object]:
        """Stories sharing the most distinctive terms and entities with the article (words found in a large share
        of all stories say nothing about which one it belongs to); open at `at`, or with `late` up to
        ClusterOptions.late_period from their window (a full-text article's join: `join_bar` asks more of those)."""
        common = max(COMMON_MIN, len(self.states) // 10)
        pool: list[object] = []
        extend = pool.extend
        for keys in map(self._index.get, (*features.terms, *features.entities)):
            if keys and len(keys) <= common:
                extend(keys)
        counts = Counter(pool)  # one pass in C rather than one update per name
        states, quiet = self.states, self.options.join_window if late else self.options.quiet_period
        if at is None:  # an article without a time closes no story out (StoryState.is_open_at)
            shut = [key for key in counts if key not in states]
        else:
            shut = [key for key in counts if key not in states or not states[key].is_open_at(at, quiet)]
        for key in shut:
            del counts[key]
        # Counter.most_common(n)'s order (count first, then first seen), by one sort in C rather than heapq's loop.
        ranked = sorted(counts.items(), key=itemgetter(1), reverse=True)
        return [key for key, _ in ranked[: self.options.candidate_limit]]

    def matches(
        self,
        features: ArticleFeatures,
        at: datetime | None,
        *,
        title_only: bool = False,
        vector: np.ndarray | None = None,
    ) -> list[tuple[float, object]]:
        """(score, story) of every open story the article matches, best first."""
        keys = self.candidates(features, at, late=not title_only)
        if not keys:
            return []
        values = self.join_values(features, keys, at=at, title_only=title_only, vector=vector)
        found = [
            (value, key)
            for value, key in zip(values, keys, strict=True)
            if value >= self.join_bar(key, title_only, at=at)
        ]
        found.sort(key=lambda item: -item[0])
        return found

    def join_values(
        self,
        features: ArticleFeatures,
        keys: list[object],
        *,
        at: datetime | None,
        title_only: bool = False,
        vector: np.ndarray | None = None,
    ) -> list[float]:
        """What the article scores for joining each story (`join_bar` is what it must reach; a subclass may score
        otherwise: eval/learned_join.py)."""
        return self.scores(
            self.weigh(features),
            keys,
            title_only=title_only,
            vector=vector,
            numbers=features.numbers,
            year=features.year,
            names=features.entities,
            phrases=features.phrases,
        )

    def join_bar(self, key: object, title_only: bool = False, *, at: datetime | None = None) -> float:
        """The `join_values` value an article needs to join story `key` (one rule for `matches` and cluster.refine);
        with the article's time `at`, ClusterOptions.late_margin more when that is past the story's quiet period."""
        options = self.options
        threshold = options.title_threshold if title_only else options.threshold
        if at is not None and not self.states[key].is_open_at(at, options.quiet_period):
            threshold += options.late_margin
        # A story of one report is one outlet's view, not yet an event: joining it takes more.
        young_size = options.title_young_size if title_only else 1
        if self.states[key].size <= young_size:
            return threshold + (options.title_young_margin if title_only else options.young_margin)
        return threshold

    def assign(
        self,
        *,
        title: str,
        text: str = "",
        language: str = "",
        at: datetime | None = None,
        new_key: object | None = None,
        vector: np.ndarray | None = None,
        url: str = "",
        features: ArticleFeatures | None = None,
    ) -> Assignment:
        """Put one article in a story. `new_key` names the story it opens, if it opens one (default: a counter);
        `vector` is the article's unit-length embedding, if the caller has one (cluster.embedding); `url` is where
        it was published (a headline alone may take its slug's words: ClusterOptions.title_url_weight); `features`
        are its `clustering_features` when the caller keeps them (for cluster.refine at the story's close)."""
        if features is None:
            features = clustering_features(self.options, title=title, text=text, url=url, embedded=vector is not None)
        title_only = not text.strip()
        found = self.matches(features, at, title_only=title_only, vector=vector)
        merged: tuple = ()
        if found:
            value, key = found[0]
            bar = self._merge_bar(title_only)
            if bar is not None:
                merged = tuple(
                    other for score, other in found[1:] if score >= bar and self._mergeable(key, other, title_only)
                )
            for other in merged:
                self.merge(key, other)
        else:
            key = new_key if new_key is not None else self._new_key()
            self.states[key] = StoryState()
            value = 0.0
        self.add_to(key, features, language=language, at=at, vector=vector)
        return Assignment(story=key, score=value, opened=not found, merged=merged)

    def _merge_bar(self, title_only: bool) -> float | None:
        options = self.options
        return options.title_merge_threshold if title_only else options.merge_threshold

    def _mergeable(self, key: object, other: object, title_only: bool = False) -> bool:
        """Whether two stories one article matches may be one event: not when both have grown past
        `merge_max_size` members side by side (`title_merge_max_size` for a headline alone)."""
        limit = self.options.title_merge_max_size if title_only else self.options.merge_max_size
        states = self.states
        return limit is None or min(states[key].size, states[other].size) <= limit

    def resolve(self, key: object) -> object:
        """The story `key` is now part of (itself unless it was merged into another)."""
        while key in self.merged_into:
            key = self.merged_into[key]
        return key

    @property
    def vocabulary(self) -> Vocabulary:
        """The running document frequencies (cluster.regroup scores member pairs under them)."""
        return self._vocabulary

    def new_story(self) -> object:
        """Open an empty story under a new key (cluster.regroup: a part split off a closing story). The key is a
        ("part", n) pair, never an int: a caller keying its stories by database ids (stories.closing) creates the
        part's row after this and gives it that id, which an int key from the counter could already be (the part's
        state was then replaced by the new row's empty one and merged into itself)."""
        self._parts_opened += 1
        key = ("part", self._parts_opened)
        while key in self.states or key in self.merged_into:
            self._parts_opened += 1
            key = ("part", self._parts_opened)
        self.states[key] = StoryState()
        return key

    def merge(self, key: object, other: object) -> None:
        """Story `key` takes in every member of story `other` (the two are one event): `other` is gone from the
        states and the index, and `resolve(other)` gives `key` from now on (assign's merges; cluster.refine.story_merge
        at a story's close)."""
        self.merged_into[other] = key
        self.forget(key)
        self.forget(other)
        state = self.states.pop(other)
        self.states[key].merge(state, self.options)
        for name in (*state.terms, *state.entities):
            keys = self._index.get(name)
            if keys is not None:
                keys.discard(other)
                keys.add(key)

    def add_to(
        self,
        key: object,
        features: ArticleFeatures,
        *,
        language: str,
        at: datetime | None,
        vector: np.ndarray | None = None,
    ) -> None:
        state = self.states[key]
        self.forget(key)
        self._vocabulary.count(document_names(features))
        self._vocabulary.docs += 1
        state.add(features, language=language, at=at, options=self.options, vector=vector)
        self._index_names(key, features)

    def move(
        self,
        features: ArticleFeatures,
        source: object,
        target: object,
        *,
        language: str,
        at: datetime | None,
        vector: np.ndarray | None = None,
    ) -> None:
        """Move one member from story `source` to story `target` (cluster.refine); the document frequencies stay,
        since the article was counted once already. `source`'s time window stays a bound (StoryState.remove)."""
        state = self.states[source]
        state.remove(features, language=language, at=at, vector=vector)
        for name in (*features.terms, *features.entities):
            if name not in state.terms and name not in state.entities and name in self._index:
                self._index[name].discard(source)
        self.states[target].add(features, language=language, at=at, options=self.options, vector=vector)
        self._index_names(target, features)
        for key in (source, target):
            self.forget(key)

    def forget(self, key: object) -> None:
        """Drop what is cached of story `key` (its rows, its agreed numbers): its state changed."""
        self._rows.pop(key, None)
        self._agreed.pop(key, None)
        self._name_parts.pop(key, None)
        self._years.pop(key, None)
        self._story_leading.pop(key, None)

    def _index_names(self, key: object, features: ArticleFeatures) -> None:
        # The story's other names are indexed already (when they joined it, or when it was loaded or merged).
        state = self.states[key]
        for bag, kept in ((features.terms, state.terms), (features.entities, state.entities)):
            for name in bag:
                if name in kept:
                    self._index.setdefault(name, set()).add(key)

    def _new_key(self) -> int:
        # Nor the key of a story merged away: `resolve` follows it to the story that took it in, so a new story
        # under that key would be reported as that one (or, merged later itself, make `resolve` loop for ever).
        while self._next_key in self.states or self._next_key in self.merged_into:
            self._next_key += 1
        return self._next_key

    def state_of(self, key: object) -> StoryState:
        return self.states[key]
