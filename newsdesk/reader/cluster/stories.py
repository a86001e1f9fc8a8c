"""Streaming story clustering: each article joins the most similar open story or opens one, with no recompute.

A story's state is what its members have in common: how many of them mention each term and each entity (the
most frequent ones only), its size, its languages and its first and last article times. An article is compared
with every story that shares a term or an entity with it and whose time window it falls in (so a late article
still finds the story it belongs to): the score mixes the TF-IDF cosine of terms (same-language wording) with the
IDF-weighted share of the article's entities the story also has (names and places, which cross languages). IDF
is the clusterer's running document frequency, so common words weigh less as the stream goes on. The scoring of
all candidates at once is numpy's (cluster.vectors). When the caller also gives an article's embedding
(cluster.embedding), each story keeps the sum of its members' embeddings and the score mixes in the cosine to it:
that is what joins headlines that say the same thing in other words ("fuel prices surge" / "gas prices rise").
Last, the numbers of the article's headline and lead (counts, amounts, years) move the score up when they agree with
the story's and down when they contradict them: two similar events (two pirate captures, two jewel heists) share
their words, not their numbers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from newsdesk.reader.cluster.features import ArticleFeatures, article_features
from newsdesk.reader.cluster.learned import FEATURES, JoinModel, feature_rows
from newsdesk.reader.cluster.vectors import (
    ARTICLE_ENTITIES,
    StoryRow,
    Vocabulary,
    Weighed,
    score_parts,
    score_rows,
    story_row,
    weigh,
)

STATE_VERSION = 1
COMMON_MIN = 50


@dataclass(frozen=True)
class ClusterOptions:
    """Tuned by cross-validation on the dev splits (eval/cluster_eval.py --cv)."""

    threshold: float = 0.25
    # A headline alone has few terms, so even a right match scores lower than full texts do.
    title_threshold: float = 0.06
    entity_weight: float = 0.4  # the rest is the term cosine
    # In a Title Case headline the "entities" are its distinctive words again (features.article_features).
    title_entity_weight: float = 0.2
    # A story takes no article more than this long after its last one (or before its first one).
    quiet_period: timedelta = timedelta(hours=12)
    max_terms: int = 150
    max_entities: int = 40
    candidate_limit: int = 40
    # An article with full text that also matches a second story this well merges the two (headlines alone say
    # too little to merge on).
    merge_threshold: float = 0.55
    # ...unless both have grown past this many members side by side: a merge mends stories opened apart by the
    # order articles came in, while two stories that each took more than a handful of reports were kept apart by
    # every one of those decisions (ECB+: the two IE patches of 2008 and 2013, 12 and 9 reports, were merged by one
    # article matching both). None: no limit.
    merge_max_size: int | None = 5
    # A headline matching a second story this well merges the two (UCI: big stories split early, e.g. by wording).
    title_merge_threshold: float | None = 0.3
    young_margin: float = 0.1
    title_young_margin: float = 0.0
    # With an article embedding: score = (1 - w) * lexical + w * (cosine to the story's summed embedding - shift).
    # Cross-validated on the dev splits: it pays for headlines (UCI) and not for full text (ECB+), hence 0 there.
    embedding_weight: float = 0.0
    title_embedding_weight: float = 0.5
    embedding_shift: float = 0.3
    # The numbers a story's leads agree on (counts, amounts, years: in at least `number_share` of its members) tell
    # two similar events apart: an article whose lead names one of them scores `number_bonus` more, one whose lead
    # has numbers but none of them `number_penalty` less (ECB+: the same topic's two events seldom share one). Days
    # of the month are left out of the leads' numbers (features.lead_numbers): with them, "Nov 11" of one event met
    # "11 Yemeni" of the other, and the penalty had to stay at 0.05.
    number_share: float = 0.3
    number_bonus: float = 0.1
    number_penalty: float = 0.1
    title_number_bonus: float = 0.0
    title_number_penalty: float = 0.0
    # A learned score (cluster.learned) in place of the hand-weighted one above, for full text and for headlines
    # alone: its own join and merge thresholds replace threshold, young margin and merge threshold (the candidates,
    # the quiet period and merge_max_size stay). None: the hand score.
    join_model: JoinModel | None = None
    title_join_model: JoinModel | None = None


@dataclass
class StoryState:
    """The clustering state of one story (stored as JSON in Story.state)."""

    terms: dict[str, float] = field(default_factory=dict)  # term -> weighted member count
    entities: dict[str, float] = field(default_factory=dict)
    size: int = 0
    languages: dict[str, int] = field(default_factory=dict)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    vector: np.ndarray | None = None  # the sum of the members' embeddings (None when none came with one)
    numbers: dict[str, int] = field(default_factory=dict)  # lead number -> how many members' leads have it

    def add(
        self,
        features: ArticleFeatures,
        *,
        language: str,
        at: datetime | None,
        options: ClusterOptions,
        vector: np.ndarray | None = None,
    ) -> None:
        for key, weight in features.terms.items():
            self.terms[key] = self.terms.get(key, 0.0) + min(weight, 3.0)
        for key, weight in features.entities.items():
            self.entities[key] = self.entities.get(key, 0.0) + min(weight, 3.0)
        self.terms = _top(self.terms, options.max_terms)
        self.entities = _top(self.entities, options.max_entities)
        self.size += 1
        for number in features.numbers:
            self.numbers[number] = self.numbers.get(number, 0) + 1
        if vector is not None:
            self.vector = vector.astype(np.float32) if self.vector is None else self.vector + vector
        if language:
            self.languages[language] = self.languages.get(language, 0) + 1
        if at is not None:
            self.first_seen = at if self.first_seen is None or at < self.first_seen else self.first_seen
            self.last_seen = at if self.last_seen is None or at > self.last_seen else self.last_seen

    def merge(self, other: StoryState, options: ClusterOptions) -> None:
        """Take in another story's members (two stories found to be one event)."""
        for key, weight in other.terms.items():
            self.terms[key] = self.terms.get(key, 0.0) + weight
        for key, weight in other.entities.items():
            self.entities[key] = self.entities.get(key, 0.0) + weight
        self.terms = _top(self.terms, options.max_terms)
        self.entities = _top(self.entities, options.max_entities)
        self.size += other.size
        for number, count in other.numbers.items():
            self.numbers[number] = self.numbers.get(number, 0) + count
        if other.vector is not None:
            self.vector = other.vector.copy() if self.vector is None else self.vector + other.vector
        for language, count in other.languages.items():
            self.languages[language] = self.languages.get(language, 0) + count
        for at in (other.first_seen, other.last_seen):
            if at is not None:
                self.first_seen = at if self.first_seen is None or at < self.first_seen else self.first_seen
                self.last_seen = at if self.last_seen is None or at > self.last_seen else self.last_seen

    def agreed_numbers(self, share: float) -> frozenset[str]:
        """The lead numbers at least `share` of the members mention."""
        least = share * self.size
        return frozenset(number for number, count in self.numbers.items() if count >= least)

    def is_open_at(self, at: datetime | None, quiet_period: timedelta) -> bool:
        """Whether an article of time `at` may still join (times unknown on either side never close a story)."""
        if at is None or self.first_seen is None or self.last_seen is None:
            return True
        return self.first_seen - quiet_period <= at <= self.last_seen + quiet_period

    def to_json(self) -> dict:
        return {
            "v": STATE_VERSION,
            "terms": {k: round(v, 3) for k, v in self.terms.items()},
            "entities": {k: round(v, 3) for k, v in self.entities.items()},
            "size": self.size,
            "languages": self.languages,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            **({"vector": [round(float(x), 4) for x in self.vector]} if self.vector is not None else {}),
            **({"numbers": self.numbers} if self.numbers else {}),
        }

    @classmethod
    def from_json(cls, data: object) -> StoryState:
        """The state stored by `to_json`; an empty state for anything else (rebuilt as articles join)."""
        if not isinstance(data, dict) or data.get("v") != STATE_VERSION:
            return cls()
        try:
            return cls(
                terms={str(k): float(v) for k, v in data.get("terms", {}).items()},
                entities={str(k): float(v) for k, v in data.get("entities", {}).items()},
                size=int(data.get("size", 0)),
                languages={str(k): int(v) for k, v in data.get("languages", {}).items()},
                first_seen=_time(data.get("first_seen")),
                last_seen=_time(data.get("last_seen")),
                vector=np.asarray(data["vector"], dtype=np.float32) if data.get("vector") else None,
                numbers={str(k): int(v) for k, v in data.get("numbers", {}).items()},
            )
        except (AttributeError, TypeError, ValueError):
            return cls()


def _time(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _top(bag: dict[str, float], limit: int) -> dict[str, float]:
    """The `limit` heaviest entries, ties broken by name (sorting the values alone, then only the tied names, is
    several times cheaper than sorting the items by a key)."""
    if len(bag) <= limit:
        return bag
    cut = sorted(bag.values(), reverse=True)[limit - 1]
    kept = {key: value for key, value in bag.items() if value > cut}
    for key in sorted(key for key, value in bag.items() if value == cut)[: limit - len(kept)]:
        kept[key] = cut
    return kept


@dataclass(frozen=True)
class Assignment:
    story: object  # the story's key: the caller's (a Story id) or the clusterer's own counter
    score: float  # similarity to the story it joined; 0.0 when it opened one
    opened: bool
    # Other stories the article matched as well: they were the same event all along and were merged into `story`
    # (an article bridging two stories opened apart, e.g. when articles arrive out of order).
    merged: tuple = ()


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
        self._next_key = 0
        self.merged_into: dict[object, object] = {}

    def load(self, key: object, state: StoryState) -> None:
        """Add a known story; its members count towards document frequencies as if seen again."""
        self.states[key] = state
        self._rows.pop(key, None)
        self._agreed.pop(key, None)
        members = max(state.size, 1)
        for name in (*state.terms, *state.entities):
            self._index.setdefault(name, set()).add(key)
        bags = (*state.terms.items(), *state.entities.items())
        self._vocabulary.count([name for name, _ in bags], [min(members, max(1, round(count))) for _, count in bags])
        self._vocabulary.docs += state.size

    def weigh(self, features: ArticleFeatures) -> Weighed:
        """The article's TF-IDF terms and IDF-weighted entities under the current document frequencies."""
        return weigh(self._vocabulary, features.terms, features.entities)

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
    ) -> list[float]:
        """Similarity of an article to each of these stories, all at once (the embedding's share, when `vector`
        is given, is shifted so an unrelated story's cosine counts against it), moved up or down by whether the
        article's lead `numbers` agree with the story's."""
        options = self.options
        weight = options.title_entity_weight if title_only else options.entity_weight
        rows = [self._row(key) for key in keys]
        mixed = score_rows(self._vocabulary, article, rows, weight, ARTICLE_ENTITIES)
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
                (self._number_shift(key, numbers, bonus, penalty) for key in keys), dtype=np.float64, count=len(keys)
            )
        return mixed.tolist()

    def _number_shift(self, key: object, numbers: frozenset[str], bonus: float, penalty: float) -> float:
        agreed = self._agreed_of(key)
        if not agreed:
            return 0.0  # a story whose leads agree on no number says nothing either way
        return bonus if numbers & agreed else -penalty

    def _agreed_of(self, key: object) -> frozenset[str]:
        agreed = self._agreed.get(key)
        if agreed is None:
            agreed = self._agreed[key] = self.states[key].agreed_numbers(self.options.number_share)
        return agreed

    def join_rows(
        self,
        article: Weighed,
        keys: list[object],
        *,
        at: datetime | None = None,
        vector: np.ndarray | None = None,
        numbers: frozenset[str] = frozenset(),
    ) -> np.ndarray:
        """One row of cluster.learned.FEATURES per story: the parts of the hand score, unmixed, plus the story's
        size and the time gap (what a learned score weighs; eval/train_cluster_score.py emits them)."""
        if not keys:
            return np.zeros((0, len(FEATURES)))
        cosine, entity_share = score_parts(
            self._vocabulary, article, [self._row(key) for key in keys], ARTICLE_ENTITIES
        )
        states = [self.states[key] for key in keys]
        agreed = [self._agreed_of(key) if numbers else frozenset() for key in keys]
        return feature_rows(cosine, entity_share, states, agreed, numbers, at=at, vector=vector)

    def candidates(self, features: ArticleFeatures, at: datetime | None) -> list[object]:
        """Stories sharing the most distinctive terms and entities with the article (words found in a large share
        of all stories say nothing about which one it belongs to)."""
        common = max(COMMON_MIN, len(self.states) // 10)
        pool: list[object] = []
        index = self._index
        for name in (*features.terms, *features.entities):
            keys = index.get(name)
            if keys and len(keys) <= common:
                pool.extend(keys)
        counts = Counter(pool)  # one pass in C rather than one update per name
        states, quiet = self.states, self.options.quiet_period
        for shut in [key for key in counts if key not in states or not states[key].is_open_at(at, quiet)]:
            del counts[shut]
        return [key for key, _ in counts.most_common(self.options.candidate_limit)]

    def matches(
        self,
        features: ArticleFeatures,
        at: datetime | None,
        *,
        title_only: bool = False,
        vector: np.ndarray | None = None,
    ) -> list[tuple[float, object]]:
        """(score, story) of every open story the article matches, best first."""
        keys = self.candidates(features, at)
        if not keys:
            return []
        options = self.options
        model = options.title_join_model if title_only else options.join_model
        if model is not None:
            rows = self.join_rows(self.weigh(features), keys, at=at, vector=vector, numbers=features.numbers)
            chances = model.probabilities(rows).tolist()
            found = [(value, key) for value, key in zip(chances, keys, strict=True) if value >= model.threshold]
            found.sort(key=lambda item: -item[0])
            return found
        threshold = options.title_threshold if title_only else options.threshold
        # A story of one report is one outlet's view, not yet an event: joining it takes more.
        young = threshold + (options.title_young_margin if title_only else options.young_margin)
        values = self.scores(self.weigh(features), keys, title_only=title_only, vector=vector, numbers=features.numbers)
        states = self.states
        found = [
            (value, key)
            for value, key in zip(values, keys, strict=True)
            if value >= (young if states[key].size <= 1 else threshold)
        ]
        found.sort(key=lambda item: -item[0])
        return found

    def assign(
        self,
        *,
        title: str,
        text: str = "",
        language: str = "",
        at: datetime | None = None,
        new_key: object | None = None,
        vector: np.ndarray | None = None,
    ) -> Assignment:
        """Put one article in a story. `new_key` names the story it opens, if it opens one (default: a counter);
        `vector` is the article's unit-length embedding, if the caller has one (cluster.embedding)."""
        features = article_features(title, text)
        title_only = not text.strip()
        found = self.matches(features, at, title_only=title_only, vector=vector)
        merged: tuple = ()
        if found:
            value, key = found[0]
            bar = self._merge_bar(title_only)
            if bar is not None:
                merged = tuple(
                    other for score, other in found[1:] if score >= bar and (title_only or self._mergeable(key, other))
                )
            for other in merged:
                self._merge(key, other)
        else:
            key = new_key if new_key is not None else self._new_key()
            self.states[key] = StoryState()
            value = 0.0
        self.add_to(key, features, language=language, at=at, vector=vector)
        return Assignment(story=key, score=value, opened=not found, merged=merged)

    def _merge_bar(self, title_only: bool) -> float | None:
        options = self.options
        model = options.title_join_model if title_only else options.join_model
        if model is not None:
            return model.merge_threshold
        return options.title_merge_threshold if title_only else options.merge_threshold

    def _mergeable(self, key: object, other: object) -> bool:
        """Whether two stories one full-text article matches may be one event: not when both have grown past
        `merge_max_size` members side by side (headline merges are not limited)."""
        limit = self.options.merge_max_size
        states = self.states
        return limit is None or min(states[key].size, states[other].size) <= limit

    def resolve(self, key: object) -> object:
        """The story `key` is now part of (itself unless it was merged into another)."""
        while key in self.merged_into:
            key = self.merged_into[key]
        return key

    def _merge(self, key: object, other: object) -> None:
        self.merged_into[other] = key
        self._rows.pop(key, None)
        self._agreed.pop(key, None)
        self._rows.pop(other, None)
        self._agreed.pop(other, None)
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
        self._rows.pop(key, None)
        self._agreed.pop(key, None)
        self._vocabulary.count({*features.terms, *features.entities})
        self._vocabulary.docs += 1
        state.add(features, language=language, at=at, options=self.options, vector=vector)
        # The story's other names are indexed already (when they joined it, or when it was loaded or merged).
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
