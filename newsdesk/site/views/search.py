from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from newsdesk.articles.filters import (
    FILTER_PARAMS,
    SEARCH_ORDERS,
    FilterError,
    clean_query,
    search_filter,
)
from newsdesk.articles.search import SEARCH_CANDIDATES
from newsdesk.articles.selectors import article_search_keys
from newsdesk.reader.stemming import QUERY_LANGUAGES
from newsdesk.site.cards import article_key_items_html
from newsdesk.site.pagination import page_asked
from newsdesk.site.syndication import feed_links
from newsdesk.sources.selectors import publisher_list
from newsdesk.stories.selectors import SHOWN_REPEAT

RESULTS_MAX = 50
# A search ranks the SEARCH_CANDIDATES most recently stored matches (articles.search), so its pages end there.
PAGES_MAX = SEARCH_CANDIDATES // RESULTS_MAX
ORDERS = dict(zip(SEARCH_ORDERS, ("Best match", "Newest first"), strict=True))
# A refused value is shown back in its field; a longer one is cut there (never searched).
VALUE_MAX_CHARS = 100


class ArticleSearchView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        query = clean_query(request.GET.get("q", ""))
        page = page_asked(request)
        if page > PAGES_MAX:
            raise Http404("No such page")
        offset = (page - 1) * RESULTS_MAX
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
                # One more than shown: whether another page follows (no count of every match).
                results = article_search_keys(query, limit=RESULTS_MAX + 1, offset=offset, search=search, hidden=hidden)
        if query and not error and page > 1 and not results:
            raise Http404("No such page")  # as on the other lists: a page past the end
        more = len(results) > RESULTS_MAX and page < PAGES_MAX
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
            "more": more,
            "page": page,
            "first_shown": offset + 1,
            "last_shown": offset + len(results[:RESULTS_MAX]),
            "newer_url": _page_url(request, page - 1) if page > 1 else "",
            "older_url": _page_url(request, page + 1) if more else "",
            "feeds": feed_links(language="" if error else values["lang"]),
        }
        return render(request, "site/search.html", context, status=400 if error else 200)


def _page_url(request: HttpRequest, page: int) -> str:
    """The link to another page of the same search: the visitor's parameters, another `page`."""
    params = request.GET.copy()
    params["q"] = clean_query(params.get("q", ""))
    params["page"] = str(page)
    return f"?{params.urlencode()}"
