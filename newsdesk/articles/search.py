"""Turn what a visitor typed into a safe full-text query for the database in use.

Visitors type anything: quotes, `*`, `NEAR(`, `-`, `AND`. We never pass their syntax through. The input is
split into word tokens and each token is quoted, so FTS5 and tsquery only ever see plain terms.

Each term matches as a prefix of a word of the title or text, or as one of its Snowball stems (in the language
asked for, else in each of reader.stemming.QUERY_LANGUAGES) among the article's indexed stems: "elections" finds
"election", "elección" finds "elecciones".
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

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


@dataclass(frozen=True)
class SearchFilter:
    """What a search may be narrowed to and how it is ordered (all optional)."""

    language: str = ""  # primary subtag; the query is then stemmed in that language alone
    publisher_id: int | None = None
    since: datetime | None = None  # published at or after
    until: datetime | None = None  # published before
    order: str = "relevance"  # or "date": newest first


# The PostgreSQL document expression is the GIN index's expression (migration 0006), letter for letter.
_PG_DOCUMENT = (
    "to_tsvector('simple', newsdesk_unaccent(coalesce(a.title,'') || ' ' || coalesce(a.search_text,'') "
    "|| ' ' || coalesce(a.search_stems,'')))"
)
_PG_QUERY = "to_tsquery('simple', newsdesk_unaccent(%s))"


def _moment(value: datetime, vendor: str) -> datetime | str:
    """`value` as the database compares it: Django stores SQLite datetimes as naive UTC text."""
    return str(value.astimezone(UTC).replace(tzinfo=None)) if vendor == "sqlite" else value


def search_sql(terms: list[str], search: SearchFilter, *, vendor: str, limit: int) -> tuple[str, list[Any]]:
    """The one SQL statement a search runs: ids of matching articles, best (or newest) first. The search selector
    runs it and loads the rows; the search benchmark runs it bare to measure the engine alone."""
    where, params = [], []
    if search.language:
        where.append("a.language = %s")
        params.append(search.language)
    if search.publisher_id is not None:
        where.append("a.publisher_id = %s")
        params.append(search.publisher_id)
    if search.since is not None:
        where.append("a.published_at >= %s")
        params.append(_moment(search.since, vendor))
    if search.until is not None:
        where.append("a.published_at < %s")
        params.append(_moment(search.until, vendor))
    filters = "".join(f" AND {clause}" for clause in where)
    by_date = search.order == "date"
    if vendor == "sqlite":
        order = "a.published_at DESC, a.id DESC" if by_date else "bm25(articles_article_fts, 5.0, 1.0, 1.0)"
        sql = (
            "SELECT a.id FROM articles_article_fts f JOIN articles_article a ON a.id = f.rowid "  # noqa: S608 - fixed SQL
            f"WHERE articles_article_fts MATCH %s{filters} ORDER BY {order} LIMIT %s"
        )
        return sql, [fts5_match_expression(terms, language=search.language), *params, limit]
    expression = tsquery_expression(terms, language=search.language)
    if by_date:
        order, order_params = "a.published_at DESC NULLS LAST, a.id DESC", []
    else:
        order, order_params = f"ts_rank({_PG_DOCUMENT}, {_PG_QUERY}) DESC, a.id DESC", [expression]
    sql = (
        f"SELECT a.id FROM articles_article a WHERE {_PG_DOCUMENT} @@ {_PG_QUERY}{filters} "  # noqa: S608 - fixed SQL
        f"ORDER BY {order} LIMIT %s"
    )
    return sql, [expression, *params, *order_params, limit]
