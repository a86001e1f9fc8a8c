"""A tiny static embedding model in model2vec's layout, made here (no model is downloaded or shipped)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from model2vec import StaticModel
from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from tokenizers.normalizers import Lowercase
from tokenizers.pre_tokenizers import Whitespace

# Two meanings: fuel prices (axis 0) and a court case (axis 1); "[UNK]" is a word the model does not know.
WORDS = {"[UNK]": [0, 0, 1], "fuel": [1, 0, 0], "gas": [1, 0, 0], "pump": [1, 0, 0], "prices": [1, 0, 0]}
WORDS |= {"court": [0, 1, 0], "judge": [0, 1, 0], "ruling": [0, 1, 0]}


def tiny_model(folder: Path) -> Path:
    vocab = {word: index for index, word in enumerate(WORDS)}
    tokenizer = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = Lowercase()  # as MiniLM's (uncased) tokenizer does
    tokenizer.pre_tokenizer = Whitespace()
    StaticModel(vectors=np.array(list(WORDS.values()), dtype=np.float32), tokenizer=tokenizer).save_pretrained(folder)
    return folder
