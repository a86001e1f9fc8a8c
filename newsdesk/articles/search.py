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


# How many of the newest matches a search ranks by relevance (and, on SQLite, by date): see search_sql.
SEARCH_CANDIDATES = 1000

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
        # FTS5 hands matches out in rowid order and stops at a LIMIT, but ranking or date-sorting every match of a
        # common word costs time in proportion to the matches (hundreds of ms at a million articles). So both
        # orders rank the SEARCH_CANDIDATES most recently stored matches: ids follow ingestion, and a news search
        # wants the fresh ones. A rarer query (fewer matches than that) is ranked exactly.
        score = "a.published_at" if by_date else "bm25(articles_article_fts, 5.0, 1.0, 1.0)"
        order = "score DESC, id DESC" if by_date else "score, id DESC"
        sql = (
            f"SELECT id FROM (SELECT a.id AS id, {score} AS score "  # noqa: S608 - fixed SQL, values are params
            "FROM articles_article_fts f JOIN articles_article a ON a.id = f.rowid "
            f"WHERE articles_article_fts MATCH %s{filters} ORDER BY f.rowid DESC LIMIT %s) ORDER BY {order} LIMIT %s"
        )
        match = fts5_match_expression(terms, language=search.language)
        return sql, [match, *params, SEARCH_CANDIDATES, limit]
    expression = tsquery_expression(terms, language=search.language)
    match = f"SELECT a.id FROM articles_article a WHERE {_PG_DOCUMENT} @@ {_PG_QUERY}{filters}"  # noqa: S608
    if by_date:
        sql = f"{match} ORDER BY a.published_at DESC NULLS LAST, a.id DESC LIMIT %s"
        return sql, [expression, *params, limit]
    # ts_rank recomputes the document of every row it scores: as on SQLite, only the newest matches are ranked.
    sql = (
        f"SELECT r.id FROM ({match} ORDER BY a.id DESC LIMIT %s) AS r JOIN articles_article a ON a.id = r.id "  # noqa: S608
        f"ORDER BY ts_rank({_PG_DOCUMENT}, {_PG_QUERY}) DESC, a.id DESC LIMIT %s"
    )
    return sql, [expression, *params, SEARCH_CANDIDATES, expression, limit]
