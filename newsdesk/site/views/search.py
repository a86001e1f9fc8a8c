from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from newsdesk.articles.selectors import article_search
from newsdesk.site.cards import article_items_html
from newsdesk.site.syndication import feed_links
from newsdesk.stories.selectors import language_filter

# Longer input is cut before searching; only the first few words count anyway (search.MAX_TERMS).
QUERY_MAX_CHARS = 300
RESULTS_MAX = 50


def clean_query(raw: str) -> str:
    """The visitor's query without control characters, trimmed to QUERY_MAX_CHARS."""
    printable = "".join(ch if ch.isprintable() else " " for ch in raw[: QUERY_MAX_CHARS * 4])
    return " ".join(printable.split())[:QUERY_MAX_CHARS]


class ArticleSearchView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        query = clean_query(request.GET.get("q", ""))
        language = language_filter(request.GET.get("lang"))
        results = article_search(query, limit=RESULTS_MAX, language=language) if query else []
        context = {
            "query": query,
            "language": language,
            "results": article_items_html(results, show_teaser=True),
            "feeds": feed_links(),
        }
        return render(request, "site/search.html", context)
