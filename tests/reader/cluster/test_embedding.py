"""Article embeddings in story clustering: a static model read from a local folder (a tiny one made here, in
model2vec's layout), the stories' summed embeddings, and the mixed score that lets two headlines worded apart join
and keeps two headlines sharing words but not meaning apart."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from newsdesk.reader.cluster import ClusterOptions, StoryClusterer
from newsdesk.reader.cluster.embedding import Embedder, EmbeddingError
from newsdesk.reader.cluster.features import article_features
from newsdesk.reader.cluster.state import StoryState
from tests.reader.cluster.conftest import tiny_model
from tests.shared_data import shared_eval_dir

REPO = Path(__file__).resolve().parents[3]


def test_embedder_reads_a_local_model_and_gives_unit_vectors_of_headline_and_lead(tmp_path):
    embedder = Embedder(tiny_model(tmp_path / "model"))

    fuel, gas = embedder.vector("Fuel prices"), embedder.vector("gas pump")
    # Only the lead's start counts: the fuel words come after it.
    court = embedder.vector("Court ruling", "The judge said " + "." * 300 + " fuel" * 100)

    assert embedder.dimensions == 3
    # The model knows English only (by default): other languages are left to the words.
    assert embedder.vector("Fuel prices", language="en-GB") is not None
    assert embedder.vector("Fuel prices", language="fr") is None
    assert Embedder(tmp_path / "model", languages=("fr",)).vector("Fuel prices", language="fr") is not None
    assert np.allclose([np.linalg.norm(fuel), np.linalg.norm(court)], 1.0)
    assert float(fuel @ gas) == pytest.approx(1.0)
    assert float(fuel @ court) < 0.5 < float(court @ embedder.vector("judge"))


@pytest.mark.parametrize("content", [None, "junk"])
def test_a_folder_that_is_not_a_model_is_a_one_line_error(tmp_path, content):
    if content is not None:
        for name in ("model.safetensors", "tokenizer.json", "config.json"):
            (tmp_path / name).write_text(content)

    with pytest.raises(EmbeddingError) as raised:
        Embedder(tmp_path)

    assert str(tmp_path) in str(raised.value)
    assert "\n" not in str(raised.value)


def _unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_the_embedding_joins_headlines_worded_apart_and_splits_headlines_meaning_apart():
    first = ("Gas prices surge at the pump as summer driving season nears", _unit(1, 0, 0))
    reworded = ("Drivers pay more to fill up their tanks this summer", _unit(1, 0.1, 0))  # few words shared
    other = ("Court rules gas prices at the pump broke the law as driving season nears", _unit(0, 1, 0))
    options = ClusterOptions(title_threshold=0.2)

    words_only = StoryClusterer(options)
    lexical = [words_only.assign(title=title).story for title, _ in (first, reworded, other)]
    embedded = StoryClusterer(options)
    mixed = [embedded.assign(title=title, vector=vector).story for title, vector in (first, reworded, other)]

    assert lexical[1] != lexical[0]
    assert lexical[2] == lexical[0]
    assert mixed[1] == mixed[0]
    assert mixed[2] != mixed[0]


def test_the_mixed_score_is_the_lexical_score_shifted_by_the_cosine_and_full_text_ignores_it_by_default():
    options = ClusterOptions()
    clusterer = StoryClusterer(options)
    story = clusterer.assign(title="Gas prices surge at the pump", vector=_unit(1, 0, 0)).story
    features = article_features("Gas prices climb")
    weighed = clusterer.weigh(features)

    lexical = clusterer.scores(weighed, [story], title_only=True)[0]
    same = clusterer.scores(weighed, [story], title_only=True, vector=_unit(1, 0, 0))[0]
    apart = clusterer.scores(weighed, [story], title_only=True, vector=_unit(0, 1, 0))[0]
    text = clusterer.scores(weighed, [story], vector=_unit(0, 1, 0))[0]

    share, shift = options.title_embedding_weight, options.embedding_shift
    assert same == pytest.approx((1 - share) * lexical + share * (1 - shift))
    assert apart == pytest.approx((1 - share) * lexical - share * shift)
    assert options.embedding_weight == 0.0
    assert text == pytest.approx(clusterer.scores(weighed, [story])[0])


def test_stories_sum_their_members_embeddings_through_merges_and_stored_state():
    state, other = StoryState(), StoryState()
    options = ClusterOptions()
    features = article_features("Fuel prices")
    state.add(features, language="en", at=None, options=options, vector=_unit(1, 0, 0))
    state.add(features, language="en", at=None, options=options, vector=_unit(0, 1, 0))
    other.add(features, language="en", at=None, options=options)  # an article that came without one
    other.merge(state, options)

    stored = StoryState.from_json(json.loads(json.dumps(other.to_json())))

    assert np.allclose(state.vector, [1, 1, 0])
    assert np.allclose(stored.vector, [1, 1, 0])
    assert "vector" not in StoryState().to_json()
    assert StoryState.from_json(StoryState().to_json()).vector is None


def test_a_story_stored_without_embeddings_is_scored_by_its_words_alone():
    options = ClusterOptions()
    clusterer = StoryClusterer(options)
    for key, vector in (("old", None), ("new", _unit(0, 1, 0))):  # "old" as stored before embeddings were given
        state = StoryState()
        state.add(
            article_features("Gas prices surge at the pump"), language="en", at=None, options=options, vector=vector
        )
        clusterer.load(key, state)
    weighed = clusterer.weigh(article_features("Gas prices climb"))

    plain = clusterer.scores(weighed, ["old", "new"], title_only=True)
    mixed = clusterer.scores(weighed, ["old", "new"], title_only=True, vector=_unit(1, 0, 0))

    assert plain[0] == pytest.approx(plain[1])
    assert mixed[0] == pytest.approx(plain[0])
    assert mixed[1] < plain[1]


def test_cluster_eval_mixes_in_a_model_and_rejects_a_folder_that_is_not_one(tmp_path):
    shared_eval_dir("clustering")  # the scorer lives there
    rows = [
        ("a1", "Gas prices surge at the pump in Maine", "fuel"),
        ("a2", "Maine gas prices: fuel pump costs climb", "fuel"),
        ("a3", "Court ruling: judge sides with Ohio", "court"),
    ]
    stream = tmp_path / "stream.jsonl"
    stream.write_text("".join(json.dumps({"id": i, "title": t, "text": "", "cluster": c}) + "\n" for i, t, c in rows))
    script = [sys.executable, str(REPO / "eval" / "cluster_eval.py"), "--data", str(stream), "--json"]

    done = subprocess.run([*script, "--model", str(tiny_model(tmp_path / "model"))], capture_output=True, text=True)
    bad = subprocess.run([*script, "--model", str(tmp_path / "nothing")], capture_output=True, text=True)

    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["model"] == str(tmp_path / "model")
    assert result["ours"]["f1"] == 1.0
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1
    assert "not a static embedding model" in bad.stderr
