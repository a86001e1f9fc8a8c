"""A small multilingual text classifier for our sections: TF-IDF over character 3-5-grams (robust to inflection
in any language) and words plus their Snowball stems, fed to a complement naive Bayes (scikit-learn).

Complement NB beat logistic regression and a linear SVM on the held-out set (0.875 vs 0.77-0.78) and trains in
a fraction of a second (LR took 10 s), so it is trained when first needed, from the labelled headlines shipped beside this module
(labelled.txt: eight sections x four languages), so there is no opaque model file to keep in step with the code.
Accuracy on held-out examples and by cross-validation (eval/category_eval.py): docs/benchmarks.md ("Categories");
tests/reader/categorize pins floors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from newsdesk.reader.extract.language import identify_language
from newsdesk.reader.stemming import stems_of

CATEGORIES = ("world", "politics", "business", "technology", "science", "health", "sports", "culture")
LABELLED = Path(__file__).with_name("labelled.txt")
# The model's answer stands against the publisher's section only when it is at least this sure: on the held-out
# set, the 54 of 96 answers at or above 0.6 were all right (0.92 precision at 0.3, 0.96 at 0.4).
CONFIDENT = 0.6
# Without a section, a guess below this is no better than leaving the article uncategorised.
PLAUSIBLE = 0.2
_SAMPLE_CHARS = 1500  # the headline and first paragraphs say what a story is about


@dataclass(frozen=True)
class Example:
    category: str
    language: str
    text: str


def read_examples(path: Path = LABELLED) -> list[Example]:
    """The `category|language|text` lines of a labelled file (comments start with #)."""
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            category, language, text = line.split("|", 2)
            examples.append(Example(category=category, language=language, text=text))
    return examples


def _features(text: str, language: str) -> str:
    """The text followed by its stems: the word features then see "elections" and "election" as one."""
    return f"{text}\n{stems_of(text, language)}"


class CategoryModel:
    """TF-IDF (char 3-5-grams within words + words and stems) -> complement naive Bayes."""

    def __init__(self, examples: Iterable[Example]) -> None:
        # Imported here, when a model is first trained: scikit-learn (with SciPy) is over half of what every
        # `newsdesk` process would import at start, and most (serve, claimers, backup, db copy) never classify.
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.naive_bayes import ComplementNB

        rows = list(examples)
        # The two vectorizers are stacked here rather than by a FeatureUnion: a FeatureUnion runs its parts through
        # scikit-learn's joblib wrapper, which swaps the process-wide warning filters on every call (not
        # thread-safe). Worker threads classify at once, so one could restore another's emptied filter list, after
        # which every call warned "sklearn.utils.parallel.delayed should be used with ...Parallel" (566 times in
        # one test file) and the process lost its warning filters.
        self._vectorizers = (
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True),
            TfidfVectorizer(sublinear_tf=True),
        )
        documents = [_features(row.text, row.language) for row in rows]
        self._classifier = ComplementNB(alpha=0.3)
        self._classifier.fit(
            _stacked([vectorizer.fit_transform(documents) for vectorizer in self._vectorizers]),
            [row.category for row in rows],
        )

    def scores(self, text: str, language: str = "") -> dict[str, float]:
        """Probability of each category for `text` (its language identified when not given)."""
        sample = text[:_SAMPLE_CHARS]
        language = language or identify_language(sample)
        documents = [_features(sample, language)]
        features = _stacked([vectorizer.transform(documents) for vectorizer in self._vectorizers])
        probabilities = self._classifier.predict_proba(features)[0]
        return dict(zip(self._classifier.classes_, (float(p) for p in probabilities), strict=True))

    def predict(self, text: str, language: str = "") -> tuple[str, float]:
        """(best category, its probability)."""
        ranked = sorted(self.scores(text, language).items(), key=lambda item: item[1], reverse=True)
        return ranked[0]


def _stacked(matrices: list) -> object:
    """The feature blocks side by side, as FeatureUnion would stack them."""
    from scipy.sparse import hstack

    return hstack(matrices).tocsr()


@cache
def default_model() -> CategoryModel:
    """The model trained on labelled.txt, once per process."""
    return CategoryModel(read_examples())


def choose_category(text: str, *, language: str = "", section: str = "", model: CategoryModel | None = None) -> str:
    """The category of an article: the model's when it is confident; else the publisher's section (one of
    CATEGORIES, already mapped from the feed's or page's labels) when there is one; else the model's plausible
    guess; else ""."""
    if not text.strip():
        return section
    category, probability = (model or default_model()).predict(text, language)
    if probability >= CONFIDENT or (not section and probability >= PLAUSIBLE):
        return category
    return section
