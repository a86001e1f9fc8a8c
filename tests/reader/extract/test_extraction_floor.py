"""Extraction F1 on the shared dev set must not fall below the floor pinned in eval/extraction_baseline.json."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
EVAL_SCRIPT = REPO / "eval" / "extraction_eval.py"
BASELINE = REPO / "eval" / "extraction_baseline.json"
CORPUS = REPO / ".." / "shared" / "eval" / "extraction"


def load_eval_module():
    spec = importlib.util.spec_from_file_location("extraction_eval", EVAL_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.shared
def test_our_f1_is_at_least_the_pinned_floor():
    if not (CORPUS / "dev" / "ids.txt").exists():
        pytest.skip("../shared/eval not present (user clone)")
    baseline = json.loads(BASELINE.read_text())
    extraction_eval = load_eval_module()
    assert extraction_eval.corpus_sha256() == baseline["corpus_sha256"], "corpus changed: re-pin with --update"
    result = extraction_eval.score(extraction_eval.ours)
    assert result["pages"] == baseline["pages"]
    assert result["f1"] >= baseline["f1_floor"], result


def test_floor_is_not_below_bare_trafilatura():
    """The floor was pinned from a run that beat trafilatura on the same pages; keep it that way."""
    baseline = json.loads(BASELINE.read_text())
    assert baseline["f1_floor"] >= baseline["trafilatura_f1"]
