#!/usr/bin/env python3
"""Category model accuracy: on the held-out headlines (tests/data/categories/heldout.txt, never trained on) and by
K-fold cross-validation over the labelled headlines (newsdesk/reader/categorize/labelled.txt). Runs without Django.

    python eval/category_eval.py [--cv K] [--json]

Cross-validation: the labelled headlines are dealt into K folds by their position in their section x language cell
(translations of one another share a fold; each fold holds every section x language in proportion); each fold is classified by a model trained on the other K-1 folds plus the
keyword lines (a taxonomy, not examples: always trained on). The mean is the honest figure for a training set
grown while looking at the held-out one.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newsdesk.reader.categorize import CategoryModel, read_examples  # noqa: E402
from newsdesk.reader.categorize.classifier import LABELLED, Example  # noqa: E402

HELD_OUT = REPO / "tests" / "data" / "categories" / "heldout.txt"
KEYWORDS_MARK = "# Keyword lines"


def labelled_parts(path: Path = LABELLED) -> tuple[list[Example], list[Example]]:
    """(headlines, keyword lines) of the labelled file: the keyword lines follow the KEYWORDS_MARK comment."""
    text = path.read_text(encoding="utf-8")
    head, _, tail = text.partition(KEYWORDS_MARK)
    parse = _parse_lines
    return parse(head), parse(tail)


def _parse_lines(text: str) -> list[Example]:
    examples = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#") and line.count("|") >= 2:
            category, language, body = line.split("|", 2)
            examples.append(Example(category=category, language=language, text=body))
    return examples


def accuracy(model: CategoryModel, examples: list[Example]) -> float:
    right = sum(model.predict(e.text, e.language)[0] == e.category for e in examples)
    return right / len(examples) if examples else 0.0


def folds_of(examples: list[Example], k: int) -> list[list[Example]]:
    """K folds: the n-th headline of every section x language cell goes to fold n mod K. The cells were written in
    parallel (the n-th line of a section is on the same sub-topic in every language), so a headline and its
    translations share a fold: a model is never tested on a line whose translation it was trained on."""
    position: dict[tuple[str, str], int] = defaultdict(int)
    folds: list[list[Example]] = [[] for _ in range(k)]
    for example in examples:
        cell = (example.category, example.language)
        folds[position[cell] % k].append(example)
        position[cell] += 1
    return folds


def cross_validate(headlines: list[Example], keywords: list[Example], k: int) -> list[float]:
    """Accuracy of each fold, classified by a model trained on the others (plus the keyword lines)."""
    folds = folds_of(headlines, k)
    scores = []
    for index, fold in enumerate(folds):
        train = [e for other, part in enumerate(folds) if other != index for e in part] + keywords
        scores.append(accuracy(CategoryModel(train), fold))
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", type=int, default=5, help="folds of the cross-validation (default 5; 0: none)")
    parser.add_argument("--json", action="store_true", help="one JSON object")
    args = parser.parse_args(argv)
    headlines, keywords = labelled_parts()
    held = read_examples(HELD_OUT)
    t0 = time.perf_counter()
    model = CategoryModel(headlines + keywords)
    train_s = time.perf_counter() - t0
    figures: dict = {
        "labelled_headlines": len(headlines),
        "keyword_lines": len(keywords),
        "held_out": len(held),
        "held_out_accuracy": round(accuracy(model, held), 4),
        "train_s": round(train_s, 3),
    }
    if args.cv >= 2:
        scores = cross_validate(headlines, keywords, args.cv)
        figures["cv_folds"] = [round(s, 4) for s in scores]
        figures["cv_accuracy"] = round(sum(scores) / len(scores), 4)
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
