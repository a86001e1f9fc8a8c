"""Query parameters of article lists (the API's lists, the search page), parsed into values or refused with one
clear message each (a 400). Here, below the site and the API, so both parse them the same way."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.http import QueryDict

from newsdesk.articles.search import SearchFilter
from newsdesk.articles.selectors import ArticleFilter, category_get
from newsdesk.reader.languages import canonical_language_code, names_a_language
from newsdesk.sources.selectors import publisher_get

MAX_SLUG_CHARS = 100
ERROR_BAD_LANG = "lang must be a language code such as en, fr or pt-BR"
ERROR_NO_LANGUAGE = (
    "lang must name a language (an ISO 639 code such as en, fr or pt-BR); "
    "und, mul, zxx, private-use and unassigned codes name none"
)
ERROR_BAD_PUBLISHER = "publisher must be the slug of a known publisher"
ERROR_BAD_CATEGORY = "category must be the slug of a known category"
ERROR_BAD_SINCE = "since must be an ISO 8601 date or date-time, e.g. 2026-12-01 or 2026-12-01T08:00:00Z"
ERROR_BAD_UNTIL = "until must be an ISO 8601 date or date-time, e.g. 2026-12-01 or 2026-12-01T08:00:00Z"
ERROR_EMPTY_RANGE = "since must be earlier than until"
ERROR_BAD_ORDER = "order must be relevance or date"
SEARCH_ORDERS = ("relevance", "date")
# Longer search input is cut before searching; only the first few words count anyway (search.MAX_TERMS).
QUERY_MAX_CHARS = 300
# The parameters a `next` link carries over, in this order.
FILTER_PARAMS = ("lang", "publisher", "category", "since", "until")


class FilterError(ValueError):
    """A filter parameter the API refuses; str(error) is the client-facing message."""


@dataclass(frozen=True)
class ParsedFilters:
    filters: ArticleFilter
    query: dict[str, str]  # the accepted parameters as given, for next links


def language_param(raw: str | None) -> str:
    """`?lang=` as the primary subtag we filter by ("pt-BR" → "pt"), in its shortest form as articles store it ("eng"
    and "fre" → "en" and "fr"); "" when absent; FilterError when malformed or when its primary subtag names no
    language ("xx", "und", "zxx"): a real language with no articles is an empty list, a code that is no language is
    the reader's mistake, said as such."""
    if raw is None or raw == "":
        return ""
    parts = raw.strip().replace("_", "-").split("-")
    primary = parts[0].lower()
    if not (primary.isascii() and primary.isalpha() and 2 <= len(primary) <= 3):
        raise FilterError(ERROR_BAD_LANG)
    if any(not (part.isascii() and part.isalnum() and 1 <= len(part) <= 8) for part in parts[1:]):
        raise FilterError(ERROR_BAD_LANG)
    primary = canonical_language_code(primary)  # "eng" is "en" and "iw" is "he", as articles store them
    if not names_a_language(primary):
        raise FilterError(ERROR_NO_LANGUAGE)
    return primary


def moment_param(raw: str, *, error: str) -> datetime:
    """An ISO 8601 date (midnight UTC) or date-time (UTC when it names no offset)."""
    text = raw.strip()
    if not text or len(text) > 40 or not text.isascii():
        raise FilterError(error)
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time.min, tzinfo=UTC)
        moment = datetime.fromisoformat(text)
        # In UTC, as the database compares it: a moment at the calendar's edge with an offset (0001-01-01T00:00+14:00)
        # is outside it there, and was a 500 when the query was compiled.
        return moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError) as bad:
        raise FilterError(error) from bad


def article_filters(params: QueryDict) -> ParsedFilters:
    """The article filters in `params`; FilterError names the first bad one."""
    query = {name: params[name] for name in FILTER_PARAMS if params.get(name)}
    language = language_param(params.get("lang"))
    publisher = category = None
    if "publisher" in query:
        slug = query["publisher"]
        publisher = publisher_get(slug=slug) if len(slug) <= MAX_SLUG_CHARS else None
        if publisher is None:
            raise FilterError(ERROR_BAD_PUBLISHER)
    if "category" in query:
        slug = query["category"]
        category = category_get(slug=slug) if len(slug) <= MAX_SLUG_CHARS else None
        if category is None:
            raise FilterError(ERROR_BAD_CATEGORY)
    since = moment_param(query["since"], error=ERROR_BAD_SINCE) if "since" in query else None
    until = moment_param(query["until"], error=ERROR_BAD_UNTIL) if "until" in query else None
    if since is not None and until is not None and since >= until:
        raise FilterError(ERROR_EMPTY_RANGE)
    filters = ArticleFilter(language=language, publisher=publisher, category=category, since=since, until=until)
    return ParsedFilters(filters=filters, query=query)


def clean_query(raw: str) -> str:
    """A search query without control characters, trimmed to QUERY_MAX_CHARS between words (a word cut in two is a
    different, required word: it would find nothing)."""
    printable = "".join(ch if ch.isprintable() else " " for ch in raw[: QUERY_MAX_CHARS * 4])
    text = " ".join(printable.split())
    if len(text) <= QUERY_MAX_CHARS:
        return text
    words, _, _ = text[: QUERY_MAX_CHARS + 1].rpartition(" ")
    return words or text[:QUERY_MAX_CHARS]


def search_filter(params: QueryDict, filters: ArticleFilter | None = None) -> SearchFilter:
    """A search's filters (`filters` when already parsed from `params`, else parsed here) and its `order`
    (relevance, the default, or date); FilterError names a bad one."""
    parsed = filters if filters is not None else article_filters(params).filters
    order = params.get("order") or "relevance"
    if order not in SEARCH_ORDERS:
        raise FilterError(ERROR_BAD_ORDER)
    return SearchFilter(
        language=parsed.language,
        publisher_id=parsed.publisher.pk if parsed.publisher else None,
        category_id=parsed.category.pk if parsed.category else None,
        since=parsed.since,
        until=parsed.until,
        order=order,
    )
