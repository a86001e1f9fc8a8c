"""Turn what a visitor typed into a safe full-text query for the database in use.

Visitors type anything: quotes, `*`, `NEAR(`, `-`, `AND`. We never pass their syntax through. The input is
split into word tokens and each token is quoted, so FTS5 and tsquery only ever see plain terms.
"""

import re

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


def fts5_match_expression(terms: list[str]) -> str:
    """An FTS5 MATCH string: every term quoted (quotes doubled) and prefix-matched, all required."""
    return " ".join('"' + t.replace('"', '""') + '"*' for t in terms)


def tsquery_expression(terms: list[str]) -> str:
    """A to_tsquery('simple', ...) string with only word characters and prefix matches."""
    return " & ".join(f"{t}:*" for t in terms)
