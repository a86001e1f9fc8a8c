"""Where the static embedding model of the default install lives: inside the `wordllama` wheel (a 256-number token
table and the Llama-2 tokenizer, `PACKAGED_FILES`). Found without importing the package and without numpy, so
`newsdesk check` can tell whether it is there at the cost of a few stat calls (reader.cluster.embedding reads it)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

PACKAGED_MODEL = "wordllama"
PACKAGED_FILES = ("weights/l2_supercat_256.safetensors", "tokenizers/l2_supercat_tokenizer_config.json")


class EmbeddingError(Exception):
    """A model that cannot be used (one line for the user)."""


def packaged_model_folder() -> Path:
    """The installed `wordllama` package's folder; EmbeddingError when it is not installed or lacks the files."""
    spec = importlib.util.find_spec(PACKAGED_MODEL)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingError(f"{PACKAGED_MODEL}: the package is not installed (pip install newsdesk's dependencies)")
    folder = Path(next(iter(spec.submodule_search_locations)))
    missing = [name for name in PACKAGED_FILES if not (folder / name).is_file()]
    if missing:
        raise EmbeddingError(f"{PACKAGED_MODEL}: the installed package lacks {', '.join(missing)}")
    return folder
