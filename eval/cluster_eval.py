#!/usr/bin/env python3
"""Story clustering on a JSONL stream (../shared/eval/clustering layout): B-cubed precision, recall, F1 (the
corpus's score.py) and articles/s, ours (newsdesk.reader.cluster) and a plain TF-IDF single-pass baseline,
measured in the same run. Runs without Django.

    python eval/cluster_eval.py [--data FILE_OR_DIR] [--json] [--threshold T --entity-weight W] [--cv K]
                                [--model DIR]

--model DIR mixes a static embedding model (reader.cluster.embedding; scripts/build-cluster-model.sh builds one)
into our scores; each article is embedded inside the timed run, as the stream would.

--cv K scores each of K folds (split by gold story, so no story straddles two folds) with the options tuned on
the other K-1: the honest estimate for a setting chosen on this data.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import math
import re
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newsdesk.reader.cluster import ClusterOptions, StoryClusterer  # noqa: E402
from newsdesk.reader.cluster.embedding import Embedder, EmbeddingError  # noqa: E402

SHARED = (REPO / ".." / "shared" / "eval" / "clustering").resolve()
DEFAULT_DATA = SHARED / "uci_dev.jsonl"
SCORER = SHARED / "score.py"
# The baseline's one knob, tuned on each stream it runs on (the generous reading of "tuned on the dev split").
BASELINE_THRESHOLDS = (0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
_WORD = re.compile(r"\w+")
_TOPIC = re.compile(r"(\d+)_ecb(?:plus)?")


class EvalError(Exception):
    """A data folder or file the benchmark cannot read (one line for the user)."""


def load_scorer(path: Path = SCORER):
    if not path.is_file():
        raise EvalError(f"{path}: the clustering scorer is missing")
    spec = importlib.util.spec_from_file_location("cluster_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.score


def resolve_data(data: str | None) -> Path:
    path = Path(data) if data else DEFAULT_DATA
    if path.is_dir():
        files = sorted(path.glob("*.jsonl"))
        if len(files) != 1:
            raise EvalError(f"{path}: expected one *.jsonl file, found {len(files)}")
        path = files[0]
    if not path.is_file():
        raise EvalError(f"{path}: no such file")
    return path


def read_rows(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                row["id"] = str(row["id"])
                row["cluster"]
            except (ValueError, KeyError, TypeError) as exc:
                raise EvalError(f"{path}:{number}: not a clustering row ({exc})") from None
            rows.append(row)
    if not rows:
        raise EvalError(f"{path}: no rows")
    return rows


def _time(row: dict) -> datetime | None:
    value = row.get("time")
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) and value else None


def ours(rows: list[dict], options: ClusterOptions, embedder: Embedder | None = None) -> dict[str, str]:
    clusterer = StoryClusterer(options)
    stories = {}
    for row in rows:
        title, text = row.get("title") or "", row.get("text") or ""
        # Embedded only where the score uses it (full text does not, by default: ClusterOptions.embedding_weight).
        share = options.embedding_weight if text.strip() else options.title_embedding_weight
        vector = embedder.vector(title, text) if embedder and share else None
        assigned = clusterer.assign(
            title=title, text=text, language=row.get("lang") or "", at=_time(row), vector=vector
        )
        stories[row["id"]] = assigned.story
    return {key: json.dumps(clusterer.resolve(story)) for key, story in stories.items()}


def baseline(rows: list[dict], threshold: float) -> dict[str, str]:
    """Plain single-pass TF-IDF: lower-cased words, running IDF, cosine to each cluster's summed vector."""
    df: Counter[str] = Counter()
    centroids: list[Counter[str]] = []
    index: dict[str, set[int]] = {}
    out = {}
    for docs, row in enumerate(rows, 1):
        words = Counter(_WORD.findall(f"{row.get('title') or ''} {row.get('text') or ''}".lower()))
        df.update(words.keys())
        vector = {w: c * math.log((docs + 1) / (df[w] + 1)) + c for w, c in words.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        best, best_score = -1, 0.0
        candidates = set().union(*(index.get(w, set()) for w in vector)) if vector else set()
        for cid in candidates:
            centroid = centroids[cid]
            dot = sum(v * centroid.get(w, 0.0) for w, v in vector.items())
            c_norm = math.sqrt(sum(v * v for v in centroid.values())) or 1.0
            value = dot / (norm * c_norm)
            if value > best_score:
                best, best_score = cid, value
        if best < 0 or best_score < threshold:
            centroids.append(Counter())
            best = len(centroids) - 1
        for w, v in vector.items():
            centroids[best][w] += v / norm
            index.setdefault(w, set()).add(best)
        out[row["id"]] = json.dumps(best)
    return out


def gold_of(rows: list[dict]) -> dict[str, str]:
    return {row["id"]: json.dumps(row["cluster"], sort_keys=True) for row in rows}


def measure(run, rows: list[dict], score) -> dict:
    started, cpu_started = time.perf_counter(), time.process_time()
    predicted = run(rows)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    figures = score(predicted, gold_of(rows))
    return {
        "precision": round(figures["b3_p"], 4),
        "recall": round(figures["b3_r"], 4),
        "f1": round(figures["b3_f1"], 4),
        "articles_per_s": round(len(rows) / elapsed, 1) if elapsed else 0.0,
        # What the machine's load does not change: articles per second of this process's own CPU time.
        "articles_per_cpu_s": round(len(rows) / cpu, 1) if cpu else 0.0,
        "clusters": figures["pred_clusters"],
    }


GRID = {"threshold": [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5], "entity_weight": [0.0, 0.25, 0.5, 0.75]}


def folds(rows: list[dict], k: int) -> list[list[dict]]:
    """Rows split by a hash of their gold story: every story in exactly one fold."""

    def fold_of(row: dict) -> int:
        label = json.dumps(row["cluster"], sort_keys=True)
        # ECB+ pairs two events of one topic ("12_ecb", "12_ecbplus"): telling them apart is the test, so both
        # go to the same fold.
        topic = _TOPIC.fullmatch(str(row["cluster"]))
        label = topic.group(1) if topic else label
        return int(hashlib.sha256(label.encode()).hexdigest()[:8], 16) % k

    return [[row for row in rows if fold_of(row) == i] for i in range(k)]


TITLE_GRID = {"title_threshold": [0.03, 0.04, 0.05, 0.06, 0.08, 0.1], "title_entity_weight": [0.0, 0.2, 0.4]}


def tune(rows: list[dict], score, base: ClusterOptions, embedder: Embedder | None = None) -> ClusterOptions:
    """The best options on `rows` over a grid: the headline knobs for a stream of headlines alone (the full-text
    knobs never apply there), the full-text knobs otherwise."""
    gold = gold_of(rows)
    best, best_f1 = base, -1.0
    titles_only = not any((row.get("text") or "").strip() for row in rows)
    grid = TITLE_GRID if titles_only else GRID
    (first_name, firsts), (second_name, seconds) = grid.items()
    for first in firsts:
        for second in seconds:
            options = replace(base, **{first_name: first, second_name: second})
            f1 = score(ours(rows, options, embedder), gold)["b3_f1"]
            if f1 > best_f1:
                best, best_f1 = options, f1
    return best


def cross_validate(rows: list[dict], k: int, score, base: ClusterOptions, embedder: Embedder | None = None) -> dict:
    parts = folds(rows, k)
    results = []
    for i, held_out in enumerate(parts):
        training = [row for j, part in enumerate(parts) if j != i for row in part]
        if not held_out or not training:
            continue  # fewer stories than folds
        options = tune(training, score, base, embedder)
        f1 = score(ours(held_out, options, embedder), gold_of(held_out))["b3_f1"]
        knobs = {name: getattr(options, name) for name in ("threshold", "entity_weight", "title_threshold")}
        results.append({"fold": i, **knobs, "title_entity_weight": options.title_entity_weight, "f1": f1})
    return {"folds": results, "mean_f1": round(sum(r["f1"] for r in results) / max(len(results), 1), 4)}


def run(data: str | None, options: ClusterOptions | None = None, embedder: Embedder | None = None) -> dict:
    """{"ours": {...}, "baseline": {...}} for one stream; EvalError for unreadable data."""
    path = resolve_data(data)
    rows = read_rows(path)
    score = load_scorer()
    options = options or ClusterOptions()
    threshold = _best_baseline_threshold(rows, score)
    return {
        "data": str(path),
        "articles": len(rows),
        "model": str(embedder.path) if embedder else None,
        "ours": measure(lambda r: ours(r, options, embedder), rows, score),
        "baseline": measure(lambda r: baseline(r, threshold), rows, score),
        "baseline_threshold": threshold,
    }


def _best_baseline_threshold(rows: list[dict], score) -> float:
    gold = gold_of(rows)
    return max(BASELINE_THRESHOLDS, key=lambda t: score(baseline(rows, t), gold)["b3_f1"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="a *.jsonl stream or a folder holding one (default: UCI dev headlines)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--threshold", type=float)
    parser.add_argument("--entity-weight", type=float)
    parser.add_argument("--cv", type=int, default=0, help="K-fold cross-validation of the tuned options")
    parser.add_argument("--model", help="a static embedding model folder to mix into our scores")
    args = parser.parse_args(argv)
    options = ClusterOptions()
    if args.threshold is not None:
        options = replace(options, threshold=args.threshold)
    if args.entity_weight is not None:
        options = replace(options, entity_weight=args.entity_weight)
    import contextlib
    import io

    try:
        embedder = Embedder(args.model) if args.model else None
        # The scorer warns on stderr about ids it lacks; we always give it every id.
        with contextlib.redirect_stderr(io.StringIO()):
            result = run(args.data, options, embedder)
            if args.cv:
                rows = read_rows(resolve_data(args.data))
                result["cv"] = cross_validate(rows, args.cv, load_scorer(), options, embedder)
    except (EvalError, EmbeddingError) as exc:
        print(f"cluster eval: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        for name in ("ours", "baseline"):
            print(name, result[name])
        if "cv" in result:
            print("cv", result["cv"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
