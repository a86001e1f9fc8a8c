"""The category model: its accuracy on held-out examples it never saw (a floor, raised only), and how its
answer and the publisher's section combine."""

from __future__ import annotations

import importlib.util
import threading
import warnings
from collections import Counter
from pathlib import Path

import pytest

from newsdesk.reader.categorize import CATEGORIES, CategoryModel, choose_category, default_model, read_examples
from newsdesk.reader.categorize.classifier import LABELLED, Example

REPO = Path(__file__).resolve().parents[3]
HELD_OUT = REPO / "tests" / "data" / "categories" / "heldout.txt"
# Measured 0.875 (84 of 96) when the model was chosen, 0.906 (87 of 96) after the training set grew from 256 to 536
# headlines (optimistic: see docs/benchmarks.md "Categories").
HELD_OUT_ACCURACY_FLOOR = 0.9
# 5-fold cross-validation over the labelled headlines, translations in one fold (eval/category_eval.py): 0.876.
CV_ACCURACY_FLOOR = 0.86


def test_training_and_held_out_sets_cover_every_category_and_language_and_do_not_overlap():
    train, held = read_examples(LABELLED), read_examples(HELD_OUT)

    for examples in (train, held):
        assert set(Counter(e.category for e in examples)) == set(CATEGORIES)
        assert {e.language for e in examples} == {"en", "fr", "de", "es"}
    assert not {e.text for e in train} & {e.text for e in held}


def test_held_out_accuracy_stays_above_its_floor():
    held = read_examples(HELD_OUT)
    model = default_model()

    right = sum(model.predict(e.text, e.language)[0] == e.category for e in held)

    assert len(held) == 96
    assert right / len(held) >= HELD_OUT_ACCURACY_FLOOR, f"{right}/{len(held)}"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("The striker scored a hat-trick and the club won the league title", "sports"),
        ("Le vaccin contre la grippe est désormais recommandé pour les enfants", "health"),
        ("Die Zentralbank senkt den Leitzins, die Börse reagiert mit Kursgewinnen", "business"),
        ("El telescopio espacial descubre agua en la atmósfera de un planeta lejano", "science"),
    ],
)
def test_clear_texts_are_classified_with_confidence_whatever_the_section(text, category):
    assert default_model().predict(text)[0] == category
    assert choose_category(text, section="culture") == category


def test_an_unsure_model_defers_to_the_section_and_guesses_without_one():
    tiny = CategoryModel(
        [Example("sports", "en", "goal match team"), Example("health", "en", "hospital doctor vaccine")]
    )
    vague = "A statement was published on Tuesday"
    assert tiny.predict(vague)[1] < 0.6

    assert choose_category(vague, section="politics", model=tiny) == "politics"
    assert choose_category(vague, model=tiny) in {"sports", "health"}
    assert choose_category("   ", section="world", model=tiny) == "world"


def test_cross_validated_accuracy_over_the_labelled_headlines_stays_above_its_floor():
    spec = importlib.util.spec_from_file_location("category_eval", REPO / "eval" / "category_eval.py")
    category_eval = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(category_eval)
    headlines, keywords = category_eval.labelled_parts()
    folds = category_eval.folds_of(headlines, 5)

    scores = category_eval.cross_validate(headlines, keywords, 5)

    assert sorted(e.text for fold in folds for e in fold) == sorted(e.text for e in headlines)  # each once
    assert len(headlines) >= 536
    assert len({e.text for e in headlines}) == len(headlines)  # no line twice (it would be tested on itself)
    assert sum(scores) / len(scores) >= CV_ACCURACY_FLOOR, scores


def test_classifying_leaves_the_process_warning_filters_alone_even_from_several_threads():
    # A FeatureUnion ran through scikit-learn's joblib wrapper, which swaps the process-wide warning filters on each
    # call; worker threads doing that at once could leave the list empty, and from then on every call warned
    # "sklearn.utils.parallel.delayed should be used with ...Parallel". With no filters set (what such a race
    # leaves), scoring must warn nothing, and threads scoring together must leave the filters as they found them.
    model = default_model()
    with warnings.catch_warnings(record=True) as caught:
        warnings.resetwarnings()
        model.scores("The election results were announced by the commission", "en")
    assert [str(w.message) for w in caught] == []

    before = list(warnings.filters)
    threads = [
        threading.Thread(target=lambda: [model.scores(f"Parliament votes on budget {n}", "en") for n in range(50)])
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert warnings.filters == before
