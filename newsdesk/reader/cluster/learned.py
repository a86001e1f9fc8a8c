"""A learned join score: a logistic model over the parts the hand-weighted score is made of.

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
from pathlib import Path

import numpy as np

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
