"""The packaged static model (NEWSDESK_CLUSTER_MODEL's default, "wordllama"): read from the installed wheel's own
files with no network and without importing the package, the same vectors as wordllama's own `embed`, a meaning the
clusterer uses to join two headlines worded apart, and its own mixing knobs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from newsdesk.reader.cluster import ClusterOptions, StoryClusterer
from newsdesk.reader.cluster.embedding import Embedder, PackagedEmbedder, embedder_for
from newsdesk.reader.packaged_model import EmbeddingError, packaged_model_folder
from tests.reader.cluster.conftest import tiny_model

REPO = Path(__file__).resolve().parents[3]

# One shared word ("travel"): the words alone keep them apart; the packaged model's meaning joins them.
FUEL = (
    "Fuel prices surge as refinery outages squeeze supply along the coast before summer travel, analysts warn "
    "households budgets"
)
PUMP = "Drivers pay more at the gas pump while travel peaks across several busy states and airlines add flights"
COURT = "Court rules travel ban broke the law, judge says"

# The start of a child process's script in which no socket may connect.
NO_NETWORK = """
import json, socket, sys
def refuse(*args, **kwargs):
    raise OSError("no network in this test")
socket.socket.connect = refuse
socket.create_connection = refuse
"""
# ...in which the packaged model is loaded, and what the load imported is reported.
OFFLINE = (
    NO_NETWORK
    + """
from newsdesk.reader.cluster.embedding import PackagedEmbedder
embedder = PackagedEmbedder()
ours = embedder.vectors([(t, "") for t in sys.argv[1:]])
imported = sorted(name for name in ("wordllama", "requests", "torch", "huggingface_hub") if name in sys.modules)
from wordllama.inference import WordLlamaInference  # the package's own mean, to compare with
from tokenizers import Tokenizer
folder = embedder.path
theirs = WordLlamaInference(embedder.table, Tokenizer.from_file(str(folder / "tokenizers/l2_supercat_tokenizer_config.json")))
theirs = theirs.embed(list(sys.argv[1:]), norm=True)
print(json.dumps({"imported": imported, "id": embedder.model_id, "dimensions": embedder.dimensions,
                  "gap": max(float(abs(a - b).max()) for a, b in zip(ours, theirs))}))
"""
)


def run_offline(script: str, *args: str) -> dict:
    """What a child process running `script` (with NO_NETWORK at its start) with `args` printed as JSON."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_packaged_model_loads_offline_without_importing_wordllama_and_embeds_as_wordllama_does():
    result = run_offline(OFFLINE, FUEL, PUMP, COURT)

    assert result["imported"] == []
    assert result["id"].startswith("wordllama 0.4.0.post1 l2_supercat 256")
    assert result["dimensions"] == 256
    assert result["gap"] < 1e-5


def test_the_packaged_model_places_headlines_by_meaning_and_the_clusterer_uses_it():
    embedder = embedder_for("wordllama")
    fuel, pump, court = embedder.vectors([(FUEL, ""), (PUMP, ""), (COURT, "")])
    # The model's knobs but the words' young story: the join by meaning itself is under test here (with the model a
    # story of one or two headlines asks 0.12 more: test_joining.py).
    options = replace(embedder.tuned(ClusterOptions()), title_young_margin=0.0, title_young_size=1)

    words_only = StoryClusterer(ClusterOptions())
    lexical = [words_only.assign(title=title, language="en").story for title in (FUEL, PUMP, COURT)]
    embedded = StoryClusterer(options)
    mixed = [embedded.assign(title=t, language="en", vector=embedder.vector(t)).story for t in (FUEL, PUMP, COURT)]

    assert isinstance(embedder, PackagedEmbedder)
    assert np.allclose([np.linalg.norm(fuel), np.linalg.norm(court)], 1.0)
    assert float(fuel @ pump) > float(fuel @ court) + 0.1
    assert embedder.vector(FUEL, language="fr") is None  # English only, as the distilled model
    assert lexical[0] != lexical[1]
    assert mixed[0] == mixed[1]
    assert mixed[2] != mixed[0]


def test_each_model_brings_its_own_mixing_knobs_and_id(tmp_path):
    packaged = embedder_for("wordllama")
    folder = embedder_for(str(tiny_model(tmp_path / "model")))
    base = ClusterOptions()

    assert type(folder) is Embedder
    assert packaged.tuned(base).embedding_shift < folder.tuned(base).embedding_shift
    assert folder.tuned(base).title_embedding_weight == base.title_embedding_weight
    assert packaged.tuned(base).threshold == base.threshold  # only the mixing knobs and the young headline story
    assert (packaged.tuned(base).title_young_size, folder.tuned(base).title_young_size) == (2, 1)
    assert packaged.model_id != folder.model_id
    assert folder.model_id == f"model2vec:{tmp_path / 'model'}"


def test_a_missing_package_or_file_is_a_one_line_error(monkeypatch, tmp_path):
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    with pytest.raises(EmbeddingError, match="the package is not installed") as raised:
        packaged_model_folder()
    assert "\n" not in str(raised.value)

    class Spec:
        submodule_search_locations = [str(tmp_path)]

    monkeypatch.setattr("importlib.util.find_spec", lambda name: Spec())
    with pytest.raises(EmbeddingError, match=r"lacks weights/l2_supercat_256\.safetensors"):
        PackagedEmbedder()


def test_packaged_files_that_do_not_read_are_a_one_line_error(monkeypatch, tmp_path):
    for name in ("weights/l2_supercat_256.safetensors", "tokenizers/l2_supercat_tokenizer_config.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("junk")
    monkeypatch.setattr("newsdesk.reader.cluster.embedding.packaged_model_folder", lambda: tmp_path)

    with pytest.raises(EmbeddingError, match="the packaged model cannot be read") as raised:
        PackagedEmbedder()

    assert "\n" not in str(raised.value)
