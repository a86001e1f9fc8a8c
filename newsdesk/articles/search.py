"""Turn what a visitor typed into a safe full-text query for the database in use.

Visitors type anything: quotes, `*`, `NEAR(`, `-`, `AND`. We never pass their syntax through. The input is
split into clauses (a quoted phrase, a word with a trailing `*`, or a bare word) made of word tokens, and each
token is quoted, so FTS5 and tsquery only ever see plain terms.

A bare word matches itself or one of its Snowball stems (in the language asked for, else in each of
reader.stemming.QUERY_LANGUAGES) among the article's indexed stems: "elections" finds "election", "elección" finds
"elecciones". `word*` matches every word that starts so (the way to ask for a prefix: a bare word was once a
prefix too, but at a million articles a prefix of a common word merges the lists of every word that starts so, a
hundred times the work of the word itself). A quoted phrase matches its words in that order, next to each other,
in the title or text (no stems: what is quoted is what was written).
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from newsdesk.reader.stemming import QUERY_LANGUAGES, query_stems, stems_of

MAX_TERMS = 12
_WORD = re.compile(r"\w+", re.UNICODE)
# A quoted phrase (closed), or a word and whether a `*` follows it. An unclosed quote is skipped as punctuation.
_CLAUSE = re.compile(r'"([^"]*)"|(\w+)(\*?)', re.UNICODE)


@dataclass(frozen=True)
class Clause:
    """One required part of a query: a word (with its stems, or a prefix) or a quoted phrase."""

    words: tuple[str, ...]
    quoted: bool = False  # a phrase: these words in this order, as written
    prefix: bool = False  # `word*`: any word starting so

    @property
    def word(self) -> str:
        return self.words[0]


def parse_query(raw: str) -> list[Clause]:
    """The clauses of a visitor's query, lower-cased, in order, without repeats; at most MAX_TERMS words."""
    clauses: list[Clause] = []
    budget = MAX_TERMS
    for quoted, word, star in _CLAUSE.findall(raw or ""):
        words = tuple(w.lower() for w in _WORD.findall(quoted))[:budget] if not word else (word.lower(),)
        if not words:
            continue
        clause = Clause(words, quoted=not word, prefix=bool(star))
        if clause not in clauses:
            clauses.append(clause)
            budget -= len(words)
        if budget <= 0:
            break
    return clauses


def query_terms(raw: str) -> list[str]:
    """Word tokens of the query, lower-cased, at most MAX_TERMS, in order, without repeats."""
    return list(dict.fromkeys(word for clause in parse_query(raw) for word in clause.words))


def article_stems(*, title: str, search_text: str, language: str) -> str:
    """What Article.search_stems holds: the stems of the searchable words in the article's language."""
    return stems_of(f"{title}\n{search_text}", language)


def _languages(language: str) -> tuple[str, ...]:
    return (language,) if language else QUERY_LANGUAGES


def _clauses(query: "list[Clause] | list[str]") -> list[Clause]:
    """Clauses as given, or bare words (the older call shape: a list of terms)."""
    return [Clause((item,)) if isinstance(item, str) else item for item in query]


def _fts5_quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def fts5_match_expression(query: "list[Clause] | list[str]", *, language: str = "") -> str:
    """An FTS5 MATCH string: every clause required. A bare word is the quoted word or one of its stems in
    search_stems; `word*` a prefix; a phrase its quoted words joined by `+` within the title and text columns."""
    parts = []
    for clause in _clauses(query):
        if clause.quoted:
            parts.append("{title search_text} : (" + " + ".join(_fts5_quote(w) for w in clause.words) + ")")
        elif clause.prefix:
            parts.append(f"{_fts5_quote(clause.word)}*")
        else:
            stems = " OR ".join(_fts5_quote(stem) for stem in query_stems(clause.word, _languages(language)))
            word = _fts5_quote(clause.word)
            parts.append(f"({word} OR search_stems : ({stems}))" if stems else word)
    return " AND ".join(parts)


def tsquery_expression(query: "list[Clause] | list[str]", *, language: str = "") -> str:
    """A to_tsquery('simple', ...) string with only word characters: a bare word itself or one of its stems,
    `word*` a prefix, a phrase its words joined by `<->` among the title's and text's words (weights A and B)."""
    parts = []
    for clause in _clauses(query):
        if clause.quoted:
            parts.append("(" + " <-> ".join(f"{word}:AB" for word in clause.words) + ")")
        elif clause.prefix:
            parts.append(f"{clause.word}:*")
        else:
            stems = [stem for stem in query_stems(clause.word, _languages(language)) if _WORD.fullmatch(stem)]
            parts.append("(" + " | ".join(dict.fromkeys([clause.word, *stems])) + ")")
    return " & ".join(parts)


@dataclass(frozen=True)
class SearchFilter:
    """What a search may be narrowed to and how it is ordered (all optional)."""

    language: str = ""  # primary subtag; the query is then stemmed in that language alone
    publisher_id: int | None = None
    category_id: int | None = None
    since: datetime | None = None  # published at or after
    until: datetime | None = None  # published before
    order: str = "relevance"  # or "date": newest first


# How many of the newest matches a search ranks by relevance (and, on SQLite, by date): see search_sql and
# search_ids.
SEARCH_CANDIDATES = 1000

# PostgreSQL: the stored, weighted tsvector column of migration 0008 (title A, text B, stems D) and its GIN index.
_PG_QUERY = "to_tsquery('simple', newsdesk_unaccent(%s))"
# A phrase word the pair index of migration 0012 can serve: letters and digits, one token for the parser (an
# underscore splits a word in two there). Any other phrase is matched through the vector's GIN index alone.
_PAIRED_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _phrases(query: "list[Clause] | list[str]") -> list[list[str]]:
    """The quoted phrases of two words or more whose words the pair index can serve."""
    return [
        list(clause.words)
        for clause in _clauses(query)
        if clause.quoted and len(clause.words) > 1 and all(_PAIRED_WORD.fullmatch(w) for w in clause.words)
    ]


def pg_match_sql(query: "list[Clause] | list[str]", *, language: str = "") -> tuple[str, list[Any]]:
    """The WHERE condition (and its params) for articles matching `query` on PostgreSQL.

    With a phrase, the candidate rows are the articles holding each of the phrase's adjacent word pairs (the pair
    index of migration 0012), and the whole query is checked on those rows only. `IS TRUE` hides the query from the
    vector's GIN index: ANDed with it, the planner would recheck both conditions on every row, and rechecking the
    pairs means recomputing them from the vector (~0.3 ms a row). Without a phrase: the vector's GIN index."""
    expression = tsquery_expression(query, language=language)
    phrases = _phrases(query)
    if not phrases:
        return f"a.search_vector @@ {_PG_QUERY}", [expression]
    pairs = " || ".join(["newsdesk_phrase_bigrams(%s::text[])"] * len(phrases))
    return f"newsdesk_bigrams(a.search_vector) @> ({pairs}) AND (a.search_vector @@ {_PG_QUERY}) IS TRUE", [
        *phrases,
        expression,
    ]


def _moment(value: datetime, vendor: str) -> datetime | str:
    """`value` as the database compares it: Django stores SQLite datetimes as naive UTC text."""
    return str(value.astimezone(UTC).replace(tzinfo=None)) if vendor == "sqlite" else value


def _filters(search: SearchFilter, vendor: str) -> tuple[str, list[Any]]:
    where, params = [], []
    for clause, value in (
        ("a.language = %s", search.language or None),
        ("a.publisher_id = %s", search.publisher_id),
        ("a.category_id = %s", search.category_id),
        ("a.published_at >= %s", search.since and _moment(search.since, vendor)),
        ("a.published_at < %s", search.until and _moment(search.until, vendor)),
    ):
        if value is not None:
            where.append(clause)
            params.append(value)
    return "".join(f" AND {clause}" for clause in where), params


def search_sql(
    query: "list[Clause] | list[str]", search: SearchFilter, *, vendor: str, limit: int
) -> tuple[str, list[Any]]:
    """The one SQL statement a search runs on SQLite (either order) and on PostgreSQL newest first: ids of matching
    articles, best (or newest) first. PostgreSQL's relevance order is a few statements: see search_ids."""
    filters, params = _filters(search, vendor)
    by_date = search.order == "date"
    if vendor == "sqlite":
        # FTS5 hands matches out in rowid order and stops at a LIMIT, but ranking or date-sorting every match of a
        # common word costs time in proportion to the matches (hundreds of ms at a million articles). So both
        # orders rank the SEARCH_CANDIDATES most recently stored matches: ids follow ingestion, and a news search
        # wants the fresh ones. A rarer query (fewer matches than that) is ranked exactly. CROSS JOIN keeps the
        # full-text index the outer loop: left to itself the planner may walk a date or publisher index and
        # probe the index once per row, which costs far more than reading the matches newest first.
        score = "a.published_at" if by_date else "bm25(articles_article_fts, 5.0, 1.0, 1.0)"
        order = "score DESC, id DESC" if by_date else "score, id DESC"
        sql = (
            f"SELECT id FROM (SELECT a.id AS id, {score} AS score "  # noqa: S608 - fixed SQL, values are params
            "FROM articles_article_fts f CROSS JOIN articles_article a ON a.id = f.rowid "
            f"WHERE articles_article_fts MATCH %s{filters} ORDER BY f.rowid DESC LIMIT %s) ORDER BY {order} LIMIT %s"
        )
        match = fts5_match_expression(query, language=search.language)
        return sql, [match, *params, SEARCH_CANDIDATES, limit]
    if not by_date:
        raise ValueError("PostgreSQL ranks by relevance in several statements: use search_ids")
    # The (published_at DESC NULLS LAST, id DESC) index of migration 0008 gives this order without a sort.
    match, match_params = pg_match_sql(query, language=search.language)
    sql = (
        f"SELECT a.id FROM articles_article a WHERE {match}{filters} "  # noqa: S608 - fixed SQL, values are params
        "ORDER BY a.published_at DESC NULLS LAST, a.id DESC LIMIT %s"
    )
    return sql, [*match_params, *params, limit]


# PostgreSQL, relevance order: the newest SEARCH_CANDIDATES matches are gathered window by window of ids, newest
# window first, each window FIRST_WINDOW times WINDOW_GROWTH**k ids wide, until there are enough. Asked for all at
# once ("ORDER BY id DESC LIMIT 1000") the planner either walks the primary key checking every row's vector (90,000
# rows for a phrase of two common words at a million articles) or rechecks every row the GIN index hands over (the
# phrase's words are in 140,000 articles); within a window it ANDs the GIN bitmap with the key range and rechecks
# only that window's rows, so the work follows the candidates wanted, not the table.
FIRST_WINDOW = 20_000
WINDOW_GROWTH = 4
# With a phrase, the pair index hands over few rows (3,165 for a phrase of two common words plus a word at a million
# articles), and a wide key range costs more than checking them all (the bitmap of 580,000 primary keys took
# 146 ms of a 150 ms window). So past PAIRED_SPAN ids the next window is the last, its bound written so that the
# planner does not take it to the key index.
PAIRED_SPAN = 100_000


def pg_window_sql(
    query: "list[Clause] | list[str]", search: SearchFilter, *, high: int, low: int | None, need: int
) -> tuple[str, list[Any]]:
    """The newest `need` matches with high >= id > low (no lower bound when low is None), newest first."""
    filters, params = _filters(search, "postgresql")
    last = " AND a.id + 0 <= %s" if _phrases(query) else " AND a.id <= %s"
    bounds, bound_params = (" AND a.id <= %s AND a.id > %s", [high, low]) if low else (last, [high])
    match, match_params = pg_match_sql(query, language=search.language)
    sql = (
        f"SELECT a.id FROM articles_article a WHERE {match}{filters}{bounds} "  # noqa: S608 - fixed SQL, values are params
        "ORDER BY a.id DESC LIMIT %s"
    )
    return sql, [*match_params, *params, *bound_params, need]


def pg_rank_sql(
    query: "list[Clause] | list[str]", search: SearchFilter, *, ids: list[int], limit: int
) -> tuple[str, list[Any]]:
    """The best `limit` of the candidate `ids` by ts_rank over the stored vector (ties: newest first)."""
    sql = (
        "SELECT a.id FROM articles_article a WHERE a.id = ANY(%s) "  # noqa: S608 - fixed SQL, values are params
        f"ORDER BY ts_rank(a.search_vector, {_PG_QUERY}) DESC, a.id DESC LIMIT %s"
    )
    return sql, [ids, tsquery_expression(query, language=search.language), limit]


# PostgreSQL, newest first with a phrase: the pair index hands over every row holding the phrase (10,917 for a phrase
# of two common words at a million articles), all read and sorted by date. A common phrase is found sooner by
# walking the date index, so the NEWEST_ROWS newest articles are checked first; when they hold a page of matches
# that page is the answer (every other match is older), else the pair index's statement runs.
NEWEST_ROWS = 5_000


def pg_newest_rows_sql(query: "list[Clause] | list[str]", search: SearchFilter, *, limit: int) -> tuple[str, list[Any]]:
    """The newest `limit` matches among the NEWEST_ROWS newest articles, newest first."""
    filters, params = _filters(search, "postgresql")
    sql = (
        "SELECT a.id FROM (SELECT * FROM articles_article "  # noqa: S608 - fixed SQL, values are params
        "ORDER BY published_at DESC NULLS LAST, id DESC LIMIT %s) a "
        f"WHERE a.search_vector @@ {_PG_QUERY}{filters} "
        "ORDER BY a.published_at DESC NULLS LAST, a.id DESC LIMIT %s"
    )
    return sql, [NEWEST_ROWS, tsquery_expression(query, language=search.language), *params, limit]


def search_ids(connection: Any, query: "list[Clause] | list[str]", search: SearchFilter, *, limit: int) -> list[int]:
    """Run a search on `connection` (a Django connection): ids of matching articles, best (or newest) first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and search.order == "date" and _phrases(query):
            cursor.execute(*pg_newest_rows_sql(query, search, limit=limit))
            found = [row[0] for row in cursor.fetchall()]
            if len(found) == limit:
                return found
        if connection.vendor == "sqlite" or search.order == "date":
            cursor.execute(*search_sql(query, search, vendor=connection.vendor, limit=limit))
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT min(id), max(id) FROM articles_article")
        lowest, high = cursor.fetchone()
        candidates: list[int] = []
        span = FIRST_WINDOW
        widest = PAIRED_SPAN if _phrases(query) else None
        while high is not None and len(candidates) < SEARCH_CANDIDATES:
            last = high - span < lowest or (widest is not None and span > widest)
            low = None if last else high - span  # the last window: everything older
            need = SEARCH_CANDIDATES - len(candidates)
            cursor.execute(*pg_window_sql(query, search, high=high, low=low, need=need))
            candidates += [row[0] for row in cursor.fetchall()]
            high, span = low, span * WINDOW_GROWTH
        if not candidates:
            return []
        cursor.execute(*pg_rank_sql(query, search, ids=candidates, limit=limit))
        return [row[0] for row in cursor.fetchall()]
