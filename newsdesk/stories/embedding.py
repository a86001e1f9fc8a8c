"""The static embedding model story assignment mixes in (NEWSDESK_CLUSTER_MODEL), loaded once per process.

A worker, `newsdesk reprocess` and the ingest command each load the model the first time an article is assigned
(about 0.2 CPU-s for the packaged model, "wordllama", the default; 0.4 for the 15 MB folder
`scripts/build-cluster-model.sh` builds; 1 CPU-s and about 200 MB for "use-multilingual") and keep it for the life of
the process; its threads share it (a static model is a read-only table; the multilingual network only reads its
weights too, each call working on arrays of its own). With the setting off nothing is loaded and stories are
clustered by their words alone.

What a story keeps of its members' embeddings is their sum, stored in its state JSON with the rest of its clustering
state, so another process restoring the story from the database scores against it at once (no migration, no
recomputing). It is stored packed (base64 of little-endian float32) rather than as the reader's JSON list of numbers:
an assignment batch restores every open story (up to MAX_OPEN_STORIES), and with the 256-number list each restore
cost 130 us instead of 78 us (JSON decoding the numbers); packed, the vector adds a few us. A state rebuilt from
its members (an edited article left the story) embeds their titles again. Next to the sum goes the id of the model
that made it (`VECTOR_MODEL`): two models' vectors may have one width and still mean nothing to each other, so a
sum made by another model is dropped on restore (the words decide for that story until `newsdesk reprocess`).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import logging
import threading
from collections.abc import Iterable

import numpy as np
from django.conf import settings
from django.core import checks

from newsdesk.articles.models import Article
from newsdesk.reader.cluster import ClusterOptions, StoryState
from newsdesk.reader.cluster.embedding import LEAD_CHARS, Embedder, EmbeddingError, embedder_for
from newsdesk.stories.apps import CHECK_HINT, MODEL_CHECK_ID

log = logging.getLogger(__name__)

PACKED_VECTOR = "vector_f32"  # the state JSON key of the packed embedding sum
VECTOR_MODEL = "vector_model"  # ...and of the id of the model that made it (Embedder.model_id)
# States stored before the id was kept came from a model2vec folder (the only kind there was).
LEGACY_MODEL_KIND = "model2vec:"
PACKED_DTYPE = np.dtype("<f4")

_lock = threading.Lock()
_loaded: dict[str, Embedder] = {}  # by folder: one model per process (and per setting, which tests change)
_refused: set[str] = set()  # folders already logged as unusable (one warning per process, not one per batch)


def cluster_embedder() -> Embedder | None:
    """The process's embedder of NEWSDESK_CLUSTER_MODEL, loaded on first use; None when no model is set. A folder
    that is not a model raises EmbeddingError (one line) each time, so a fixed folder is picked up without a
    restart."""
    path = settings.NEWSDESK_CLUSTER_MODEL
    if not path:
        return None
    with _lock:
        embedder = _loaded.get(path)
        if embedder is None:
            embedder = _loaded[path] = embedder_for(path)
        return embedder


def assignment_embedder() -> Embedder | None:
    """The embedder for assigning articles, or None. A model that became unusable after the start-up check (the
    folder was removed or replaced) is logged once and the words decide alone: articles are still assigned rather
    than left out of stories."""
    try:
        return cluster_embedder()
    except EmbeddingError as exc:
        if str(exc) not in _refused:
            _refused.add(str(exc))
            log.warning("cluster model unusable; stories assigned by words alone", extra={"error": str(exc)})
        return None


def assignment_options(embedder: Embedder | None, options: ClusterOptions) -> ClusterOptions:
    """`options` as assignment scores with them: with the model's own mixing knobs when there is a model (its
    cosines sit at its own level, reader.cluster.embedding)."""
    return embedder.tuned(options) if embedder else options


def articles_embed(articles: Iterable[Article], embedder: Embedder | None) -> dict[int, np.ndarray]:
    """The embedding of each article the model embeds (its headline and lead, in a language the model knows), by
    id, in one batch; empty without a model."""
    if embedder is None:
        return {}
    chosen = [a for a in articles if not a.language or a.language.split("-")[0].lower() in embedder.languages]
    if not chosen:
        return {}
    # Only the lead's start is embedded: slicing here keeps long bodies from being copied into the batch.
    pairs = [(a.title, (a.body_text or a.summary or "")[:LEAD_CHARS]) for a in chosen]
    vectors = embedder.vectors(pairs)
    return {a.pk: vector for a, vector in zip(chosen, vectors, strict=True) if vector is not None}


def story_state_dump(state: StoryState, embedder: Embedder | None = None) -> dict:
    """The state to store in Story.state: the reader's JSON with the embedding sum packed, and the id of the model
    (`embedder`) that made it. Without a model the sum is not stored: nothing would say which model made it."""
    if state.vector is None or embedder is None:
        return state.to_json()
    data = dataclasses.replace(state, vector=None).to_json()
    data[PACKED_VECTOR] = base64.b64encode(np.asarray(state.vector, dtype=PACKED_DTYPE).tobytes()).decode("ascii")
    data[VECTOR_MODEL] = embedder.model_id
    return data


def story_state_restore(data: object, embedder: Embedder | None) -> StoryState:
    """A story's stored clustering state. An embedding sum made by another model than `embedder` (another id; one
    stored without an id counts as a model2vec folder's), of another width, or one that does not decode is dropped:
    the words decide for that story until `newsdesk reprocess` embeds it again."""
    state = StoryState.from_json(data)
    packed = data.get(PACKED_VECTOR) if isinstance(data, dict) else None
    if isinstance(packed, str) and state.size:
        try:
            state.vector = np.frombuffer(base64.b64decode(packed, validate=True), dtype=PACKED_DTYPE).astype(np.float32)
        except (binascii.Error, ValueError):
            state.vector = None
    if state.vector is not None and embedder is not None:
        made_by = data.get(VECTOR_MODEL)
        if not isinstance(made_by, str):
            made_by = embedder.model_id if embedder.model_id.startswith(LEGACY_MODEL_KIND) else None
        if made_by != embedder.model_id or state.vector.shape != (embedder.dimensions,):
            state.vector = None
    return state


def cluster_model_check(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """`newsdesk check` (and every command that runs the checks: worker, reprocess, serve): a NEWSDESK_CLUSTER_MODEL
    folder that is not a usable model is one error line, not a traceback at the first assignment."""
    try:
        cluster_embedder()
    except EmbeddingError as exc:
        return [
            checks.Error(
                f"NEWSDESK_CLUSTER_MODEL: {exc}",
                hint=CHECK_HINT,
                id=MODEL_CHECK_ID,
            )
        ]
    return []
