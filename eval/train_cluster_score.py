#!/usr/bin/env python3
"""Train the learned join score (eval/learned_join.py) on a dev stream, and judge it by the same
topic-grouped folds as eval/cluster_eval.py --cv.

    python eval/train_cluster_score.py --data FILE_OR_DIR --cv K [--state oracle|self] [--json]
    python eval/train_cluster_score.py --write [--state oracle|self]

Pairs: the stream is replayed; at each article, every candidate story the clusterer considers gives one row of
learned_join.FEATURES, labelled 1 when the story holds the article's gold story (the majority of its members),
else 0. `--state oracle` replays with every story = its gold story so far (no training on the clusterer's own
mistakes); `--state self` with the clusterer's own stories (hand score). A logistic regression (scikit-learn, here
only) is fitted on the pairs; the join and merge thresholds are then chosen by clustering the training stream with
the learned score. `--cv K` trains on K-1 folds and clusters the held-out one, next to the hand score at its
defaults on the same fold. `--write` trains on both dev streams (ECB+ full text, UCI headlines) and writes the
shipped JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cluster_eval as ce
from cluster_stream import row_time
from learned_join import FEATURES, MODEL_PATH, JoinModel, LearnedClusterer
from newsdesk.reader.cluster import ClusterOptions
from newsdesk.reader.cluster.embedding import Embedder, EmbeddingError, embedder_for
from newsdesk.reader.cluster.features import article_features
from newsdesk.reader.cluster.state import StoryState

ECB = ce.SHARED / "ecbplus-dev"
JOIN_GRID = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
MERGE_GRID = (None, 0.6, 0.7, 0.8, 0.9, 0.95)
C = 1.0


def _title_only(row: dict) -> bool:
    return not (row.get("text") or "").strip()


def pairs(
    rows: list[dict],
    options: ClusterOptions,
    state: str = "oracle",
    top: int | None = None,
    embedder: Embedder | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(feature rows, labels) of every (article, candidate story) pair of the replayed stream (or of each article's
    `top` candidates by the hand score only: the pairs a join decision is made on)."""
    clusterer = LearnedClusterer(options)  # the hand score, with join_rows
    members: dict[object, Counter] = {}  # story -> its members' gold stories
    found_x, found_y = [], []
    for row in rows:
        title, text, gold = row.get("title") or "", row.get("text") or "", json.dumps(row["cluster"], sort_keys=True)
        features, at, language = article_features(title, text), row_time(row), row.get("lang") or ""
        vector = embedder.vector(title, text, language) if embedder else None
        keys = clusterer.candidates(features, at)
        if keys:
            weighed = clusterer.weigh(features)
            if top is not None:
                hand = clusterer.scores(weighed, keys, title_only=_title_only(row), numbers=features.numbers)
                keys = [key for _, key in sorted(zip(hand, keys, strict=True), key=lambda item: -item[0])[:top]]
            found_x.append(clusterer.join_rows(weighed, keys, at=at, vector=vector, numbers=features.numbers))
            found_y.extend(members[key].most_common(1)[0][0] == gold for key in keys)
        if state == "oracle":
            if gold not in clusterer.states:
                clusterer.states[gold] = StoryState()
                members[gold] = Counter()
            clusterer.add_to(gold, features, language=language, at=at, vector=vector)
            members[gold][gold] += 1
        else:
            assigned = clusterer.assign(title=title, text=text, language=language, at=at, vector=vector)
            for other in assigned.merged:
                members.setdefault(assigned.story, Counter()).update(members.pop(other))
            members.setdefault(assigned.story, Counter())[gold] += 1
    if not found_x:
        return np.zeros((0, len(FEATURES))), np.zeros(0)
    return np.vstack(found_x), np.asarray(found_y, dtype=float)


def fit(x: np.ndarray, y: np.ndarray, c: float = C) -> tuple[tuple[float, ...], float]:
    """Logistic regression on standardized features, folded back to weights of the raw features."""
    from sklearn.linear_model import LogisticRegression

    if len(set(y.tolist())) < 2:
        raise ce.EvalError("too few pairs to train on: every candidate story is right, or none is")
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    model = LogisticRegression(C=c, max_iter=2000).fit((x - mean) / scale, y)
    weights = model.coef_[0] / scale
    bias = float(model.intercept_[0] - (model.coef_[0] * mean / scale).sum())
    return tuple(float(w) for w in weights), bias


def _with(options: ClusterOptions, model: JoinModel, title_only: bool) -> LearnedClusterer:
    """A fresh clusterer scoring this stream's kind (headlines alone or full text) with `model`."""
    return LearnedClusterer(options, **{"title_join_model" if title_only else "join_model": model})


@dataclass(frozen=True)
class Setup:
    """How to train: the replay's state, the candidates kept per article, the regularization, the embedder."""

    state: str = "oracle"
    top: int | None = None
    c: float = C
    embedder: Embedder | None = None


def train(rows: list[dict], score, base: ClusterOptions, setup: Setup = Setup()) -> tuple[JoinModel, float]:
    """The learned model for this stream (its kind: full text or headlines) and its F1 on it."""
    title_only = all(_title_only(row) for row in rows)
    embedder = setup.embedder
    weights, bias = fit(*pairs(rows, base, setup.state, setup.top, embedder), setup.c)
    gold = ce.gold_of(rows)

    def f1_of(model: JoinModel) -> float:
        return score(ce.ours(rows, base, embedder, _with(base, model, title_only)), gold)["b3_f1"]

    best = max(
        (JoinModel(weights, bias, threshold) for threshold in JOIN_GRID),
        key=f1_of,
    )
    best = max((replace(best, merge_threshold=bar) for bar in MERGE_GRID), key=f1_of)
    return best, f1_of(best)


def cross_validate(rows: list[dict], k: int, score, base: ClusterOptions, setup: Setup = Setup()) -> dict:
    embedder = setup.embedder
    parts = ce.folds(rows, k)
    title_only = all(_title_only(row) for row in rows)
    results = []
    for i, held_out in enumerate(parts):
        ids = {row["id"] for row in held_out}
        training = [row for row in rows if row["id"] not in ids]  # stream order kept
        if not held_out or not training:
            continue
        model, train_f1 = train(training, score, base, setup)
        gold = ce.gold_of(held_out)
        f1 = score(ce.ours(held_out, base, embedder, _with(base, model, title_only)), gold)["b3_f1"]
        hand = score(ce.ours(held_out, base, embedder), gold)["b3_f1"]
        results.append(
            {
                "fold": i,
                "threshold": model.threshold,
                "merge_threshold": model.merge_threshold,
                "train_f1": round(train_f1, 4),
                "f1": round(f1, 4),
                "hand_default_f1": round(hand, 4),
                "weights": dict(zip(FEATURES, (round(w, 3) for w in model.weights), strict=True)),
            }
        )
    count = max(len(results), 1)
    return {
        "state": setup.state,
        "top": setup.top,
        "c": setup.c,
        "folds": results,
        "mean_f1": round(sum(r["f1"] for r in results) / count, 4),
        "mean_hand_default_f1": round(sum(r["hand_default_f1"] for r in results) / count, 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="a *.jsonl stream or a folder holding one (default: UCI dev headlines)")
    parser.add_argument("--cv", type=int, default=0)
    parser.add_argument("--state", choices=("oracle", "self"), default="oracle")
    parser.add_argument("--model", default="none", help="a headline embedding model: wordllama, a folder, none")
    parser.add_argument("--c", type=float, default=C, help="the logistic regression's inverse regularization")
    parser.add_argument("--top", type=int, help="train on each article's top candidates by the hand score only")
    parser.add_argument("--write", action="store_true", help=f"train on both dev streams, write {MODEL_PATH.name}")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    try:
        embedder = None if args.model.strip().lower() in ce.NO_MODEL else embedder_for(args.model)
        base = embedder.tuned(ClusterOptions()) if embedder else ClusterOptions()
        setup = Setup(args.state, args.top, args.c, embedder)
        score = ce.load_scorer()
        with contextlib.redirect_stderr(io.StringIO()):  # the scorer warns on stderr about ids it lacks
            if args.write:
                result = {}
                for kind, data in (("full_text", ECB), ("headline", ce.DEFAULT_DATA)):
                    model, f1 = train(ce.read_rows(ce.resolve_data(str(data))), score, base, setup)
                    result[kind] = {**model.to_json(), "trained_on": Path(data).name, "train_f1": round(f1, 4)}
                MODEL_PATH.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
            else:
                rows = ce.read_rows(ce.resolve_data(args.data))
                if args.cv:
                    result = cross_validate(rows, args.cv, score, base, setup)
                else:
                    model, f1 = train(rows, score, base, setup)
                    result = {**model.to_json(), "train_f1": round(f1, 4)}
    except (ce.EvalError, EmbeddingError) as exc:
        print(f"train cluster score: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result, sort_keys=True) if args.json else json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
