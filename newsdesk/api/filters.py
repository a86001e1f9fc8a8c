"""The API lists' filter parameters: parsed in articles.filters, which the search page shares."""

from newsdesk.articles.filters import (
    ERROR_BAD_CATEGORY,
    ERROR_BAD_LANG,
    ERROR_BAD_PUBLISHER,
    ERROR_BAD_SINCE,
    ERROR_BAD_UNTIL,
    ERROR_EMPTY_RANGE,
    FILTER_PARAMS,
    MAX_SLUG_CHARS,
    FilterError,
    ParsedFilters,
    article_filters,
    language_param,
    moment_param,
)

__all__ = [
    "ERROR_BAD_CATEGORY",
    "ERROR_BAD_LANG",
    "ERROR_BAD_PUBLISHER",
    "ERROR_BAD_SINCE",
    "ERROR_BAD_UNTIL",
    "ERROR_EMPTY_RANGE",
    "FILTER_PARAMS",
    "MAX_SLUG_CHARS",
    "FilterError",
    "ParsedFilters",
    "article_filters",
    "language_param",
    "moment_param",
]
