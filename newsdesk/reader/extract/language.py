"""Language hints: normalising declared codes, and a tiny stopword vote for en/fr/de/es as a last resort."""

from __future__ import annotations

import re

_STOPWORDS = {
    "en": frozenset(
        [
            "the",
            "and",
            "of",
            "to",
            "in",
            "is",
            "that",
            "for",
            "it",
            "with",
            "was",
            "on",
            "as",
            "are",
            "by",
            "this",
            "be",
            "at",
            "from",
            "have",
            "has",
            "not",
            "but",
            "were",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "des",
            "et",
            "est",
            "une",
            "dans",
            "que",
            "pour",
            "qui",
            "sur",
            "pas",
            "par",
            "au",
            "aux",
            "avec",
            "du",
            "ce",
            "sont",
            "il",
            "elle",
        ]
    ),
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "und",
            "ist",
            "nicht",
            "ein",
            "eine",
            "zu",
            "den",
            "von",
            "mit",
            "sich",
            "auf",
            "für",
            "im",
            "dem",
            "des",
            "auch",
            "es",
            "sie",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "los",
            "las",
            "de",
            "que",
            "y",
            "en",
            "un",
            "una",
            "es",
            "por",
            "con",
            "para",
            "del",
            "se",
            "no",
            "su",
            "al",
            "lo",
            "como",
            "más",
            "pero",
        ]
    ),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CODE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")
_MIN_HITS = 5
_SAMPLE_WORDS = 400


def normalise_language(code: str) -> str:
    """'en-US' / 'fr_FR' / 'DE' -> 'en' / 'fr' / 'de'; anything unparseable -> ""."""
    match = _CODE.match((code or "").strip().split(",")[0].strip())
    return match.group(1).lower() if match else ""


def detect_language(text: str) -> str:
    """Best of en/fr/de/es by stopword hits, or "" when the text is short or the vote is unclear."""
    words = [w.lower() for w in _WORD.findall(text[:8000])][:_SAMPLE_WORDS]
    if not words:
        return ""
    scores = {lang: sum(1 for w in words if w in stops) for lang, stops in _STOPWORDS.items()}
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < _MIN_HITS or top < 1.5 * second:
        return ""
    return best
