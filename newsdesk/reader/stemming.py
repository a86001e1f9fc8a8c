"""Snowball stems for the search index: "elections" and "election" both index as "elect", "elecciones" and
"elección" as "eleccion", so a search finds inflected forms. PyStemmer (the Snowball C library) does the work.

The index holds the stems of each article in its own language; a query is stemmed in every language we search
(or in the one asked for), because a visitor's few words rarely say which language they are in.
"""

from __future__ import annotations

import re
from functools import cache

import Stemmer

# BCP 47 primary subtag -> Snowball algorithm.
SNOWBALL = {
    "ar": "arabic",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "hu": "hungarian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nl": "dutch",
    "no": "norwegian",
    "nb": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "tr": "turkish",
}
# The languages a query is stemmed in when it names none: those of the publishers we follow most (each adds at
# most one alternative per word to the query).
QUERY_LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl")
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_INDEXED_WORDS = 20_000  # a very long text's tail adds few new stems and costs time on every write


@cache
def _stemmer(language: str) -> Stemmer.Stemmer | None:
    algorithm = SNOWBALL.get(language)
    return Stemmer.Stemmer(algorithm) if algorithm else None


def stems_of(text: str, language: str) -> str:
    """The distinct stems of `text` in `language`, space-separated in first-seen order; "" for a language
    without a stemmer (the plain words are indexed anyway)."""
    stemmer = _stemmer(language)
    if stemmer is None or not text:
        return ""
    words = [word.lower() for word in _WORD.findall(text)[:MAX_INDEXED_WORDS] if not word.isdigit()]
    return " ".join(dict.fromkeys(stemmer.stemWords(words)))


def stem_words(words: list[str], language: str) -> list[str]:
    """The stem of each lower-cased word in `language`, in order (the words themselves without a stemmer)."""
    stemmer = _stemmer(language)
    return stemmer.stemWords(words) if stemmer else list(words)


def query_stems(term: str, languages: tuple[str, ...] = QUERY_LANGUAGES) -> list[str]:
    """The distinct stems of one lower-cased query word in each of `languages` (without the word itself)."""
    found: list[str] = []
    for language in languages:
        stemmer = _stemmer(language)
        if stemmer is not None:
            stem = stemmer.stemWord(term)
            if stem not in found:
                found.append(stem)
    return found
