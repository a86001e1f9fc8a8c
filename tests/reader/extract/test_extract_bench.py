"""`newsdesk bench extract --data DIR --json` on a tiny folder in the dev set's layout: both extractors really run
and are scored by the corpus's score.py."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.shared_data import shared_eval_dir

PAGES = Path(__file__).resolve().parents[2] / "data" / "pages"

pytestmark = [pytest.mark.shared]


def _data_folder(root: Path) -> Path:
    (root / "html").mkdir(parents=True)
    (root / "gold").mkdir()
    page = PAGES / "lemonde.example.budget-vote.html"
    (root / "html" / "budget.html.gz").write_bytes(gzip.compress(page.read_bytes()))
    gold = (
        "Le texte doit maintenant être examiné par le Sénat, où la droite est majoritaire, avant une adoption "
        "définitive attendue fin mars."
    )
    (root / "gold" / "budget.json").write_text(
        json.dumps({"articleBody": gold, "url": "https://www.lemonde.example/a"})
    )
    return root


def _bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsdesk", "bench", "extract", *args], capture_output=True, text=True, timeout=300
    )


def test_bench_extract_json_has_both_extractors_figures(tmp_path):
    shared_eval_dir("extraction")  # the scorer lives there
    done = _bench("--data", str(_data_folder(tmp_path / "pages")), "--json")
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(figures) == {"ours", "trafilatura"}
    for name in ("ours", "trafilatura"):
        assert set(figures[name]) == {"precision", "recall", "f1", "pages_per_s"}
        assert 0.0 <= figures[name]["f1"] <= 1.0
        assert figures[name]["pages_per_s"] > 0
    assert figures["ours"]["recall"] > 0.5


def test_bench_extract_on_a_folder_without_pages_is_one_line_error(tmp_path):
    shared_eval_dir("extraction")
    done = _bench("--data", str(tmp_path))
    assert done.returncode != 0
    assert "no pages in" in done.stderr
    assert "Traceback" not in done.stderr
