"""Turn what a visitor typed into a safe full-text query for the database in use.

Visitors type anything: quotes, `*`, `NEAR(`, `-`, `AND`. We never pass their syntax through. The input is
split into word tokens and each token is quoted, so FTS5 and tsquery only ever see plain terms.

Each term matches as a prefix of a word of the title or text, or as one of its Snowball stems (in the language
asked for, else in each of reader.stemming.QUERY_LANGUAGES) among the article's indexed stems: "elections" finds
"election", "elección" finds "elecciones".
"""

import re

from newsdesk.reader.stemming import QUERY_LANGUAGES, query_stems, stems_of

MAX_TERMS = 12
_WORD = re.compile(r"\w+", re.UNICODE)


def query_terms(raw: str) -> list[str]:
    """Word tokens of the query, lower-cased, at most MAX_TERMS, in order, without repeats."""
    seen: list[str] = []
    for token in _WORD.findall(raw or ""):
        token = token.lower()
        if token not in seen:
            seen.append(token)
    return seen[:MAX_TERMS]


def article_stems(*, title: str, search_text: str, language: str) -> str:
    """What Article.search_stems holds: the stems of the searchable words in the article's language."""
    return stems_of(f"{title}\n{search_text}", language)


def _languages(language: str) -> tuple[str, ...]:
    return (language,) if language else QUERY_LANGUAGES


def _fts5_quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def fts5_match_expression(terms: list[str], *, language: str = "") -> str:
    """An FTS5 MATCH string: every term required, as a quoted prefix or as one of its stems in search_stems."""
    parts = []
    for term in terms:
        stems = " OR ".join(_fts5_quote(stem) for stem in query_stems(term, _languages(language)))
        parts.append(f"({_fts5_quote(term)}* OR search_stems : ({stems}))" if stems else f"{_fts5_quote(term)}*")
    return " AND ".join(parts)


def tsquery_expression(terms: list[str], *, language: str = "") -> str:
    """A to_tsquery('simple', ...) string with only word characters: each term a prefix or one of its stems."""
    parts = []
    for term in terms:
        stems = [stem for stem in query_stems(term, _languages(language)) if _WORD.fullmatch(stem)]
        parts.append("(" + " | ".join([f"{term}:*", *stems]) + ")")
    return " & ".join(parts)
