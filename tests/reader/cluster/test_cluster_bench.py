"""`newsdesk bench cluster --data DIR --json` on a small stream in the dev layout: both clusterers really run and
are scored by the corpus's score.py; unreadable data is a one-line error."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk.reader.cluster import ClusterOptions
from tests.reader.cluster.conftest import tiny_model
from tests.shared_data import shared_eval_dir

pytestmark = [pytest.mark.shared]

ROWS = [
    ("a1", "Floods hit Mitchellfurt as the Orbe bursts its banks", "flood"),
    ("a2", "Mitchellfurt floods: Orbe river bursts banks, 1200 evacuated", "flood"),
    ("a3", "Harlan Foods agrees to buy Pellow Dairies for 4 billion", "merger"),
    ("a4", "Pellow Dairies sold to Harlan Foods in 4 billion deal", "merger"),
]


def _bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsdesk", "bench", "cluster", *args], capture_output=True, text=True, timeout=300
    )


def test_bench_cluster_json_has_ours_and_the_baseline(tmp_path):
    shared_eval_dir("clustering")  # the scorer lives there
    lines = [
        json.dumps({"id": i, "time": "2026-05-04T00:00:00Z", "lang": "en", "title": t, "text": "", "cluster": c})
        for i, t, c in ROWS
    ]
    (tmp_path / "stream.jsonl").write_text("\n".join(lines) + "\n")

    done = _bench("--data", str(tmp_path), "--json")

    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(figures) == {"ours", "baseline"}
    for name in ("ours", "baseline"):
        assert set(figures[name]) == {"precision", "recall", "f1", "articles_per_s"}
        assert 0.0 <= figures[name]["f1"] <= 1.0
    assert figures["ours"]["f1"] == 1.0


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "expected one *.jsonl file, found 0"), ("{not json\n", "not a clustering row")],
)
def test_bench_cluster_unreadable_data_is_one_line_error(tmp_path, content, message):
    shared_eval_dir("clustering")
    if content is not None:
        (tmp_path / "bad.jsonl").write_text(content)

    done = _bench("--data", str(tmp_path))

    assert done.returncode != 0
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def _eval_on_rows(tmp_path, *args: str) -> subprocess.CompletedProcess:
    """eval/cluster_eval.py run on ROWS (one stream in the dev layout) with these arguments."""
    shared_eval_dir("clustering")
    lines = [
        json.dumps({"id": i, "time": "2026-05-04T00:00:00Z", "lang": "en", "title": t, "text": "", "cluster": c})
        for i, t, c in ROWS
    ]
    (tmp_path / "stream.jsonl").write_text("\n".join(lines) + "\n")
    script = Path(__file__).resolve().parents[3] / "eval" / "cluster_eval.py"
    return subprocess.run(
        [sys.executable, str(script), "--data", str(tmp_path), *args], capture_output=True, text=True, timeout=300
    )


def test_cross_validation_tunes_on_other_folds_and_scores_each(tmp_path):
    done = _eval_on_rows(tmp_path, "--cv", "2", "--json")

    assert done.returncode == 0, done.stderr
    cv = json.loads(done.stdout)["cv"]
    assert len(cv["folds"]) == 2
    # Headlines alone: every headline knob is tuned and reported, next to the fold's figure at the defaults.
    knobs = {"title_threshold", "title_entity_weight", "title_young_margin", "title_merge_threshold"}
    assert all(knobs <= set(fold) and 0.0 <= fold["default_f1"] <= 1.0 for fold in cv["folds"])
    assert 0.0 <= cv["mean_f1"] <= 1.0
    assert 0.0 <= cv["mean_default_f1"] <= 1.0


def _tune(rows, base, min_gain):
    from tests.reader.cluster.test_cluster_floor import load_eval_module

    cluster_eval = load_eval_module()
    rows = [{"id": i, "title": t, "text": text, "cluster": c} for i, t, text, c in rows]
    with contextlib.redirect_stderr(io.StringIO()):
        return cluster_eval, cluster_eval.tune(rows, cluster_eval.load_scorer(), base, None, min_gain)


def test_tuning_moves_a_knob_only_for_a_gain_of_at_least_min_gain():
    shared_eval_dir("clustering")
    rows = [(i, t, "", c) for i, t, c in ROWS]
    # Nothing joins at a headline threshold of 0.9 (nor merges at a close): four stories of one report, B-cubed F1
    # 0.67.
    base = ClusterOptions(title_threshold=0.9, title_close_merge_threshold=None)

    _, tuned = _tune(rows, base, 0.005)
    _, kept = _tune(rows, base, 0.5)  # a perfect clustering gains 0.33 only

    assert tuned.title_threshold < 0.9
    assert kept == base


def test_full_text_streams_tune_the_full_text_knobs_only():
    shared_eval_dir("clustering")
    rows = [(i, t, t + ". " + t, c) for i, t, c in ROWS]

    # Nothing joins at a threshold of 0.9, nor merges at a close (the split and merge pass would mend it all there).
    cluster_eval, tuned = _tune(rows, ClusterOptions(threshold=0.9, regroup_at_close=False), 0.005)

    assert tuned.threshold < 0.9
    assert set(cluster_eval.grid_for([{"text": "body"}])) == set(cluster_eval.GRID)
    assert {"young_margin", "number_bonus", "merge_threshold"} <= set(cluster_eval.GRID)
    assert tuned.title_threshold == ClusterOptions().title_threshold  # never tried on full text


def test_folds_keep_an_ecbplus_topics_two_events_together():
    from tests.reader.cluster.test_cluster_floor import load_eval_module

    rows = [
        {"id": str(i), "cluster": f"{topic}_{kind}"} for i, topic in enumerate(range(12)) for kind in ("ecb", "ecbplus")
    ]

    parts = load_eval_module().folds(rows, 3)

    for part in parts:
        topics = [row["cluster"].split("_")[0] for row in part]
        assert all(topics.count(topic) == 2 for topic in topics)
    assert sum(len(part) for part in parts) == 24
    assert sum(1 for part in parts if part) >= 2


def test_bench_cluster_mixes_in_a_model_folder_and_a_folder_that_is_not_one_is_one_line(tmp_path):
    shared_eval_dir("clustering")
    rows = [
        ("a1", "Gas prices surge at the pump in Maine", "fuel"),
        ("a2", "Maine gas prices: fuel pump costs climb", "fuel"),
        ("a3", "Court ruling: judge sides with Ohio", "court"),
    ]
    lines = [json.dumps({"id": i, "title": t, "text": "", "cluster": c}) for i, t, c in rows]
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "stream.jsonl").write_text("\n".join(lines) + "\n")

    done = _bench("--data", str(tmp_path / "data"), "--model", str(tiny_model(tmp_path / "model")))
    bad = _bench("--data", str(tmp_path / "data"), "--model", str(tmp_path / "data"), "--json")

    assert done.returncode == 0, done.stderr
    assert "with the static embedding model" in done.stdout
    assert bad.returncode != 0
    assert "not a static embedding model" in bad.stderr
    assert bad.stdout == ""


def test_shuffled_orders_are_the_same_every_run_and_each_a_permutation():
    from tests.reader.cluster.test_cluster_floor import load_eval_module

    cluster_eval = load_eval_module()
    rows = [{"id": str(i), "cluster": str(i % 3)} for i in range(20)]

    first, again = cluster_eval.shuffled_orders(rows, 3), cluster_eval.shuffled_orders(rows, 3)

    assert [[row["id"] for row in order] for order in first] == [[row["id"] for row in order] for order in again]
    assert all(sorted(order, key=lambda row: int(row["id"])) == rows for order in first)
    assert len({tuple(row["id"] for row in order) for order in first}) == 3  # three different orders


def test_orders_score_the_whole_stream_and_the_held_out_folds_of_each_order(tmp_path):
    done = _eval_on_rows(tmp_path, "--orders", "2", "--model", "none", "--json")

    assert done.returncode == 0, done.stderr
    orders = json.loads(done.stdout)["orders"]
    assert len(orders["orders"]) == 2
    # Two plain events of two headlines each: every order clusters them right, whole and in the two folds.
    assert orders["orders"] == [{"whole_f1": 1.0, "folds_f1": 1.0}] * 2
    assert orders["mean_whole_f1"] == orders["mean_folds_f1"] == 1.0
