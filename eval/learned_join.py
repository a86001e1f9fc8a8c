"""A learned join score (tried, not adopted: docs/benchmarks.md): a logistic model over the parts the hand-weighted
score is made of, and `LearnedClusterer`, the product's clusterer with it in place of the hand score. It lives in
eval/ because nothing in the product uses it; eval/train_cluster_score.py trains and judges it.

The hand score (cluster.stories) mixes the term cosine, the entity share, the embedding cosine and the lead-number
agreement with weights chosen by hand, then asks more of a story of one report (the young margin). The learned
score takes the same parts, plus the story's size and the time gap, as one feature row per candidate story, and
weighs them with a logistic model fitted on (article, candidate story) pairs of the dev streams
(eval/train_cluster_score.py, Miranda et al. 2018). At run time it is a dot product: no scikit-learn.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from newsdesk.reader.cluster import ClusterOptions, StoryClusterer
from newsdesk.reader.cluster.features import ArticleFeatures
from newsdesk.reader.cluster.state import StoryState
from newsdesk.reader.cluster.vectors import ARTICLE_ENTITIES, Weighed, score_parts

# The columns of a feature row, in order (eval/train_cluster_score.py writes weights in this order).
FEATURES = (
    "terms",  # TF-IDF cosine of the article's terms to the story's
    "entities",  # IDF-weighted share of the article's entities the story also has (the cosine when none)
    "no_entities",  # 1 when neither side has an entity
    "embedding",  # cosine of the article's embedding to the story's summed one (0 without)
    "no_embedding",  # 1 when either side has no embedding
    "numbers_agree",  # the article's lead names a number the story's leads agree on
    "numbers_conflict",  # the article's lead has numbers, the story's leads agree on others only
    "young",  # the story has one report
    "log_size",  # log(1 + the story's size)
    "gap_days",  # days between the article and the story's window (0 inside it or when a time is unknown)
    "terms_behind",  # how far the story's term cosine is below the best candidate's (0 for the best)
    "entities_behind",  # the same for the entity share
)

MODEL_PATH = Path(__file__).with_name("join_model.json")


class JoinModelError(ValueError):
    """A join model file that cannot be read (one line for the user)."""


@dataclass(frozen=True)
class JoinModel:
    """Weights of FEATURES (in order), the bias, the probability an article must reach to join its best story,
    and the one a second story must reach to be merged into it (None: no merges)."""

    weights: tuple[float, ...]
    bias: float
    threshold: float
    merge_threshold: float | None = None

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """P(the story holds the article's event) for each feature row."""
        logits = rows @ np.asarray(self.weights, dtype=np.float64) + self.bias
        return 1.0 / (1.0 + np.exp(-logits))

    def to_json(self) -> dict:
        return {
            "features": list(FEATURES),
            "weights": [round(w, 6) for w in self.weights],
            "bias": round(self.bias, 6),
            "threshold": self.threshold,
            "merge_threshold": self.merge_threshold,
        }

    @classmethod
    def from_json(cls, data: object) -> JoinModel:
        if not isinstance(data, dict) or data.get("features") != list(FEATURES):
            raise JoinModelError("join model: its features are not this version's")
        try:
            weights = tuple(float(w) for w in data["weights"])
            merge = data.get("merge_threshold")
            model = cls(
                weights=weights,
                bias=float(data["bias"]),
                threshold=float(data["threshold"]),
                merge_threshold=None if merge is None else float(merge),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise JoinModelError(f"join model: {exc}") from None
        if len(weights) != len(FEATURES) or not all(math.isfinite(w) for w in weights):
            raise JoinModelError("join model: one finite weight per feature expected")
        return model


def load_join_models(path: Path = MODEL_PATH) -> dict[str, JoinModel]:
    """{"full_text": JoinModel, "headline": JoinModel} from the shipped JSON (or `path`)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise JoinModelError(f"join model {path}: {exc}") from None
    if not isinstance(data, dict):
        raise JoinModelError(f"join model {path}: not an object")
    return {kind: JoinModel.from_json(data.get(kind)) for kind in ("full_text", "headline")}


def feature_rows(
    cosine: np.ndarray,
    entity_share: np.ndarray | None,
    states: list[StoryState],
    agreed: list[frozenset[str]],
    numbers: frozenset[str],
    *,
    at: datetime | None = None,
    vector: np.ndarray | None = None,
) -> np.ndarray:
    """One row of FEATURES per candidate story, from the hand score's parts (cluster.vectors.score_parts), the
    stories' states, the lead numbers each story's members agree on, and the article's numbers, time and
    embedding."""
    rows = np.zeros((len(states), len(FEATURES)))
    rows[:, 0] = cosine
    rows[:, 1] = cosine if entity_share is None else entity_share
    rows[:, 2] = entity_share is None
    rows[:, 4] = 1.0
    for i, (state, story_numbers) in enumerate(zip(states, agreed, strict=True)):
        if vector is not None and state.vector is not None:
            norm = float(np.linalg.norm(state.vector))
            rows[i, 3] = float(state.vector @ vector) / norm if norm > 0 else 0.0
            rows[i, 4] = 0.0
        if numbers and story_numbers:
            rows[i, 5 if numbers & story_numbers else 6] = 1.0
        rows[i, 7] = state.size <= 1
        rows[i, 8] = np.log1p(state.size)
        rows[i, 9] = _gap_days(state, at)
    rows[:, 10] = rows[:, 0] - rows[:, 0].max(initial=0.0)
    rows[:, 11] = rows[:, 1] - rows[:, 1].max(initial=0.0)
    return rows


def _gap_days(state: StoryState, at: datetime | None) -> float:
    """Days from the story's window to `at` (0 inside it, or when either time is unknown)."""
    if at is None or state.first_seen is None or state.last_seen is None:
        return 0.0
    outside = max(state.first_seen - at, at - state.last_seen, timedelta(0))
    return outside.total_seconds() / 86400


class LearnedClusterer(StoryClusterer):
    """The product's clusterer with a learned score in place of the hand-weighted one, for full text
    (`join_model`) and for headlines alone (`title_join_model`); None keeps the hand score for that kind. A model's
    own join and merge thresholds replace the threshold, the young margin and the merge threshold (the candidates,
    the quiet period and merge_max_size stay)."""

    def __init__(
        self,
        options: ClusterOptions | None = None,
        *,
        join_model: JoinModel | None = None,
        title_join_model: JoinModel | None = None,
    ) -> None:
        super().__init__(options)
        self.join_model, self.title_join_model = join_model, title_join_model

    def _model(self, title_only: bool) -> JoinModel | None:
        return self.title_join_model if title_only else self.join_model

    def join_rows(
        self,
        article: Weighed,
        keys: list[object],
        *,
        at: datetime | None = None,
        vector: np.ndarray | None = None,
        numbers: frozenset[str] = frozenset(),
    ) -> np.ndarray:
        """One row of FEATURES per story: the parts of the hand score, unmixed, plus the story's size and the time
        gap (what a learned score weighs; eval/train_cluster_score.py emits them)."""
        if not keys:
            return np.zeros((0, len(FEATURES)))
        cosine, entity_share = score_parts(
            self._vocabulary, article, [self._row(key) for key in keys], ARTICLE_ENTITIES
        )
        states = [self.states[key] for key in keys]
        agreed = [self._agreed_of(key) if numbers else frozenset() for key in keys]
        return feature_rows(cosine, entity_share, states, agreed, numbers, at=at, vector=vector)

    def join_values(
        self,
        features: ArticleFeatures,
        keys: list[object],
        *,
        at: datetime | None,
        title_only: bool = False,
        vector: np.ndarray | None = None,
    ) -> list[float]:
        """The model's chance that each story holds the article's event (the hand score without a model)."""
        model = self._model(title_only)
        if model is None:
            return super().join_values(features, keys, at=at, title_only=title_only, vector=vector)
        rows = self.join_rows(self.weigh(features), keys, at=at, vector=vector, numbers=features.numbers)
        return model.probabilities(rows).tolist()

    def join_bar(self, key: object, title_only: bool = False, *, at: datetime | None = None) -> float:
        # A model's probability reads the days outside the story's window itself (FEATURES): no late margin on it.
        model = self._model(title_only)
        return super().join_bar(key, title_only, at=at) if model is None else model.threshold

    def _merge_bar(self, title_only: bool) -> float | None:
        model = self._model(title_only)
        return super()._merge_bar(title_only) if model is None else model.merge_threshold
