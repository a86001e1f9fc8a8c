"""The learned join score (eval/learned_join.py, not the product's): LearnedClusterer exposes the parts the hand score
is made of (their mix is the product's score), a JoinModel read from JSON decides joins, merges and the refinement's
moves with a dot product, and eval/train_cluster_score.py emits labelled (article, candidate story) pairs and trains
one."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from newsdesk.reader.cluster import ClusterOptions, StoryState, article_features
from newsdesk.reader.cluster.refine import refine_story
from tests.reader.cluster.test_refine import MYSORE, STRAY, SUKANYA, stories
from tests.shared_data import shared_eval_dir

EVAL_DIR = Path(__file__).resolve().parents[3] / "eval"
sys.path.insert(0, str(EVAL_DIR))  # eval's scripts import each other by module name, as the script runs them
from learned_join import FEATURES, JoinModel, JoinModelError, LearnedClusterer, load_join_models  # noqa: E402

TRAIN_SCRIPT = EVAL_DIR / "train_cluster_score.py"
FLOOD = (
    "Floods hit Mitchellfurt as the Orbe bursts its banks, 1200 evacuated",
    "The Orbe river burst its banks in Mitchellfurt on Monday and 1200 people were evacuated, officials said.",
)
FLOOD_AGAIN = (
    "Mitchellfurt floods: Orbe river bursts banks, 1200 evacuated",
    "In Mitchellfurt 1200 residents were evacuated when the Orbe river burst its banks, the mayor said.",
)
MERGER = (
    "Harlan Foods agrees to buy Pellow Dairies for 4 billion",
    "Harlan Foods of Mitchellfurt will buy Pellow Dairies in a 4 billion deal, the companies said on Tuesday.",
)
# Only the term cosine counts: a story joins from a cosine of 0.3 up.
TERMS_ONLY = JoinModel(weights=(20.0,) + (0.0,) * (len(FEATURES) - 1), bias=-6.0, threshold=0.5)


def _clusterer(options: ClusterOptions, *articles: tuple[str, str], **models: JoinModel) -> LearnedClusterer:
    clusterer = LearnedClusterer(options, **models)
    for title, text in articles:
        clusterer.assign(title=title, text=text, language="en")
    return clusterer


def test_the_hand_score_is_the_mix_of_the_exposed_parts():
    options = ClusterOptions()
    clusterer = _clusterer(options, FLOOD, MERGER, FLOOD_AGAIN)
    features = article_features(*FLOOD_AGAIN)
    keys = clusterer.candidates(features, None)
    weighed = clusterer.weigh(features)

    rows = clusterer.join_rows(weighed, keys, numbers=features.numbers)
    scores = clusterer.scores(weighed, keys, numbers=features.numbers)

    part = dict(zip(FEATURES, rows.T, strict=True))
    shift = options.number_bonus * part["numbers_agree"] - options.number_penalty * part["numbers_conflict"]
    mixed = (1 - options.entity_weight) * part["terms"] + options.entity_weight * part["entities"] + shift
    assert len(keys) == 2
    assert mixed == pytest.approx(scores)
    assert part["numbers_agree"].tolist() == [1.0, 0.0]  # the flood story agrees on 1200; the merger has 4 only
    assert part["log_size"][0] == pytest.approx(np.log(3))
    assert part["young"].tolist() == [0.0, 1.0]
    assert part["terms_behind"][0] == 0.0  # the flood story is the best candidate...
    assert part["terms_behind"][1] == pytest.approx(part["terms"][1] - part["terms"][0])  # ...the merger far behind
    assert part["terms_behind"][1] < 0


def test_a_join_model_decides_joins_by_its_own_threshold():
    joined = _clusterer(ClusterOptions(), FLOOD, FLOOD_AGAIN, MERGER, join_model=TERMS_ONLY)
    strict = replace(TERMS_ONLY, threshold=0.999999)
    apart = _clusterer(ClusterOptions(), FLOOD, FLOOD_AGAIN, MERGER, join_model=strict)

    assert sorted(state.size for state in joined.states.values()) == [1, 2]
    assert sorted(state.size for state in apart.states.values()) == [1, 1, 1]


def test_the_headline_model_serves_headlines_only():
    headlines = [(FLOOD[0], ""), (FLOOD_AGAIN[0], "")]
    never = replace(TERMS_ONLY, threshold=1.1)
    with_text = _clusterer(ClusterOptions(), *headlines, join_model=never)
    with_titles = _clusterer(ClusterOptions(), *headlines, title_join_model=never)

    assert len(with_text.states) == 1  # the full-text model does not see headlines: the hand score joins them
    assert len(with_titles.states) == 2


def test_a_join_model_merges_a_second_story_above_its_merge_threshold():
    clusterer = LearnedClusterer(ClusterOptions(), join_model=replace(TERMS_ONLY, merge_threshold=0.5))
    first = clusterer.assign(title=FLOOD[0], text=FLOOD[1], language="en", new_key="a")
    clusterer.states["b"] = StoryState()
    clusterer.add_to("b", article_features(*FLOOD), language="en", at=None)

    bridging = clusterer.assign(title=FLOOD_AGAIN[0], text=FLOOD_AGAIN[1], language="en")

    assert first.opened
    assert bridging.merged
    assert len(clusterer.states) == 1


def test_join_model_json_round_trips_and_bad_files_are_one_line_errors(tmp_path):
    merged = replace(TERMS_ONLY, merge_threshold=0.8)
    assert JoinModel.from_json(merged.to_json()) == merged
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"full_text": merged.to_json(), "headline": TERMS_ONLY.to_json()}))
    assert load_join_models(path) == {"full_text": merged, "headline": TERMS_ONLY}

    wrong = {**TERMS_ONLY.to_json(), "weights": [1.0]}
    for bad in ("{not json", json.dumps([1]), json.dumps({"full_text": wrong, "headline": wrong})):
        path.write_text(bad)
        with pytest.raises(JoinModelError):
            load_join_models(path)
    with pytest.raises(JoinModelError, match="features"):
        JoinModel.from_json({**TERMS_ONLY.to_json(), "features": ["terms"]})
    with pytest.raises(JoinModelError):
        JoinModel.from_json({**TERMS_ONLY.to_json(), "bias": "x"})
    with pytest.raises(JoinModelError):
        load_join_models(tmp_path / "missing.json")


def _train_module():
    sys.path.insert(0, str(TRAIN_SCRIPT.parent))
    spec = importlib.util.spec_from_file_location("train_cluster_score", TRAIN_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


ROWS = [
    {"id": "1", "title": FLOOD[0], "text": FLOOD[1], "cluster": "flood"},
    {"id": "2", "title": MERGER[0], "text": MERGER[1], "cluster": "merger"},
    {"id": "3", "title": FLOOD_AGAIN[0], "text": FLOOD_AGAIN[1], "cluster": "flood"},
    {"id": "4", "title": "Pellow Dairies sold to Harlan Foods", "text": MERGER[1], "cluster": "merger"},
]


@pytest.mark.parametrize("state", ["oracle", "self"])
def test_pairs_label_the_candidate_holding_the_gold_story(state):
    train = _train_module()

    rows, labels = train.pairs(ROWS, ClusterOptions(), state)

    assert rows.shape[1] == len(FEATURES)
    assert rows.shape[0] == len(labels)
    assert len(labels) >= 2
    positives = rows[labels == 1]
    # Both later reports find their event's story among the candidates, with the higher term cosine.
    assert len(positives) == 2
    assert positives[:, 0].min() > rows[labels == 0, 0].max(initial=0.0)


def test_training_fits_weights_and_chooses_thresholds_on_the_training_stream():
    shared_eval_dir("clustering")  # the scorer lives there
    train = _train_module()
    with contextlib.redirect_stderr(io.StringIO()):
        model, f1 = train.train(ROWS, train.ce.load_scorer(), ClusterOptions())

    assert len(model.weights) == len(FEATURES)
    assert model.weights[0] > 0  # the term cosine speaks for joining
    assert model.threshold in train.JOIN_GRID
    assert f1 == 1.0


def test_cross_validation_reports_each_fold_next_to_the_hand_score(tmp_path):
    shared_eval_dir("clustering")
    rows = [{**row, "id": f"{row['id']}{n}", "cluster": f"{row['cluster']}{n}"} for n in range(3) for row in ROWS]
    (tmp_path / "stream.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))

    code, out, _ = _main("--data", str(tmp_path), "--cv", "2", "--json")

    assert code == 0
    cv = json.loads(out)
    assert len(cv["folds"]) == 2
    assert all(0.0 <= fold["f1"] <= 1.0 and 0.0 <= fold["hand_default_f1"] <= 1.0 for fold in cv["folds"])
    assert cv["state"] == "oracle"


def test_unreadable_training_data_is_a_one_line_error(tmp_path):
    code, out, err = _main("--data", str(tmp_path))

    assert code == 2
    assert out == ""
    assert err.strip() == f"train cluster score: {tmp_path}: expected one *.jsonl file, found 0"


def _main(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = _train_module().main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_rows_carry_the_embedding_cosine_and_the_days_outside_a_storys_window():
    clusterer = LearnedClusterer(ClusterOptions())
    monday = datetime(2026, 5, 4, tzinfo=UTC)
    vector = np.array([1.0, 0.0], dtype=np.float32)
    clusterer.assign(title=FLOOD[0], text=FLOOD[1], language="en", at=monday, vector=vector)
    clusterer.assign(title=MERGER[0], text=MERGER[1], language="en", at=monday)
    features = article_features(*FLOOD_AGAIN)
    keys = clusterer.candidates(features, None)

    later = monday + timedelta(hours=6)
    rows = clusterer.join_rows(clusterer.weigh(features), keys, at=later, vector=np.array([0.6, 0.8]))
    inside = clusterer.join_rows(clusterer.weigh(features), keys, at=monday)

    part = dict(zip(FEATURES, rows.T, strict=True))
    assert part["embedding"].tolist() == pytest.approx([0.6, 0.0])  # the merger story has no embedding
    assert part["no_embedding"].tolist() == [0.0, 1.0]
    assert part["gap_days"].tolist() == pytest.approx([0.25, 0.25])
    assert inside[:, FEATURES.index("gap_days")].tolist() == [0.0, 0.0]
    assert inside[:, FEATURES.index("no_embedding")].tolist() == [1.0, 1.0]
    assert clusterer.join_rows(clusterer.weigh(features), []).shape == (0, len(FEATURES))


def test_top_pairs_keep_each_articles_best_candidates_by_the_hand_score():
    train = _train_module()

    every, _ = train.pairs(ROWS, ClusterOptions(), "oracle")
    best, labels = train.pairs(ROWS, ClusterOptions(), "oracle", top=1)

    assert len(best) == 3 < len(every)  # one row for each article that had a candidate
    assert labels.tolist() == [0.0, 1.0, 1.0]
    assert best[:, FEATURES.index("terms_behind")].tolist() == [0.0, 0.0, 0.0]


def test_pairs_carry_the_embedding_cosine_when_a_model_is_given(tmp_path):
    from newsdesk.reader.cluster.embedding import Embedder
    from tests.reader.cluster.conftest import tiny_model

    train = _train_module()
    headlines = [
        {"id": "1", "title": "Fuel prices surge at the pump in Harlan", "text": "", "cluster": "fuel"},
        {"id": "2", "title": "Judge in Harlan delays ruling in court case", "text": "", "cluster": "court"},
        {"id": "3", "title": "Gas prices rise at the pump in Harlan", "text": "", "cluster": "fuel"},
    ]

    plain, _ = train.pairs(headlines, ClusterOptions(), "oracle")
    embedded, _ = train.pairs(headlines, ClusterOptions(), "oracle", embedder=Embedder(tiny_model(tmp_path / "m")))

    assert len(plain) == len(embedded) > 0
    assert plain[:, FEATURES.index("no_embedding")].tolist() == [1.0] * len(plain)
    assert embedded[:, FEATURES.index("no_embedding")].min() == 0.0  # some headline's words are in the model
    assert np.abs(embedded[:, FEATURES.index("embedding")]).max() > 0


@pytest.mark.parametrize(("threshold", "moved"), [(0.5, ["mysore-3"]), (1.0, [])])
def test_with_a_learned_join_model_its_chance_and_threshold_decide(threshold, moved):
    # The term cosine alone, as a chance: the stray's words are the Sukanya story's.
    model = JoinModel(weights=(20.0,) + (0.0,) * (len(FEATURES) - 1), bias=-6.0, threshold=threshold)
    options = ClusterOptions()
    clusterer, members = stories(
        options, {"mysore": [*MYSORE, STRAY], "sukanya": SUKANYA}, clusterer=LearnedClusterer(options, join_model=model)
    )

    moves = refine_story(clusterer, "mysore", members["mysore"])

    assert [move.member for move in moves] == moved
    assert all(threshold <= move.score < 1.0 for move in moves)
