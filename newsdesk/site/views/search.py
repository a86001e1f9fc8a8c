from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from newsdesk.articles.filters import FILTER_PARAMS, FilterError, article_filters
from newsdesk.articles.search import SearchFilter
from newsdesk.articles.selectors import article_search_keys
from newsdesk.reader.stemming import QUERY_LANGUAGES
from newsdesk.site.cards import article_key_items_html
from newsdesk.site.syndication import feed_links
from newsdesk.sources.selectors import publisher_list
from newsdesk.stories.selectors import SHOWN_REPEAT

# Longer input is cut before searching; only the first few words count anyway (search.MAX_TERMS).
QUERY_MAX_CHARS = 300
RESULTS_MAX = 50
ORDERS = {"relevance": "Best match", "date": "Newest first"}
ERROR_BAD_ORDER = "order must be relevance or date"
# A refused value is shown back in its field; a longer one is cut there (never searched).
VALUE_MAX_CHARS = 100


def clean_query(raw: str) -> str:
    """The visitor's query without control characters, trimmed to QUERY_MAX_CHARS between words (a word cut in two
    is a different, required word: it would find nothing)."""
    printable = "".join(ch if ch.isprintable() else " " for ch in raw[: QUERY_MAX_CHARS * 4])
    text = " ".join(printable.split())
    if len(text) <= QUERY_MAX_CHARS:
        return text
    words, _, _ = text[: QUERY_MAX_CHARS + 1].rpartition(" ")
    return words or text[:QUERY_MAX_CHARS]


def search_filter(params) -> SearchFilter:
    """The page's filters (the API's parameters, parsed the same way) and order; FilterError names a bad one."""
    parsed = article_filters(params).filters
    order = params.get("order") or "relevance"
    if order not in ORDERS:
        raise FilterError(ERROR_BAD_ORDER)
    return SearchFilter(
        language=parsed.language,
        publisher_id=parsed.publisher.pk if parsed.publisher else None,
        category_id=parsed.category.pk if parsed.category else None,
        since=parsed.since,
        until=parsed.until,
        order=order,
    )


class ArticleSearchView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        query = clean_query(request.GET.get("q", ""))
        values = {name: clean_query(request.GET.get(name, ""))[:VALUE_MAX_CHARS] for name in (*FILTER_PARAMS, "order")}
        error, results = "", []
        try:
            search = search_filter(request.GET)
        except FilterError as refused:
            error = str(refused)
        else:
            values["lang"] = search.language  # as searched: "en-GB" is "en"
            if query:
                # Keys first: the results' items are cached, rows loaded only for the ones no cache holds.
                # Each wire text once (its primary), unless the visitor narrowed to one publisher: then that
                # publisher's own copy is what was asked for.
                hidden = None if search.publisher_id else SHOWN_REPEAT
                # One more than shown: whether the page holds every match or only the first RESULTS_MAX.
                results = article_search_keys(query, limit=RESULTS_MAX + 1, search=search, hidden=hidden)
        languages = list(QUERY_LANGUAGES)
        if values["lang"] and values["lang"] not in languages:
            languages.append(values["lang"])
        language = "" if error else values["lang"]
        context = {
            "query": query,
            "language": language,
            "values": values,
            "error": error,
            "languages": languages,
            "publishers": publisher_list().only("name", "slug").order_by("name"),
            "orders": ORDERS,
            "results": article_key_items_html(results[:RESULTS_MAX], show_teaser=True),
            "more": len(results) > RESULTS_MAX,
            "feeds": feed_links(language="" if error else values["lang"]),
        }
        return render(request, "site/search.html", context, status=400 if error else 200)
