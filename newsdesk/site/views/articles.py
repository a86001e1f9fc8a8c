from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views import View

from newsdesk.articles.models import Article
from newsdesk.site.article_page import article_page
from newsdesk.site.syndication import PUBLISHER, feed_links


class ArticleDetailView(View):
    def get(self, request: HttpRequest, article_id: int) -> HttpResponse:
        found = article_page(article_id)
        if found is None:
            raise Http404("No such article")
        key, page = found
        context = {
            "page": page,
            # What the comments need of their target: its identity (they are the reader's own, rendered each time).
            "article": Article(pk=key.id),
            "feeds": feed_links(PUBLISHER, key.publisher__slug, key.publisher__name),
        }
        response = render(request, "site/article_detail.html", context)
        if request.user.is_authenticated:
            # Their page carries their name, their pending comments and a CSRF token: no shared cache may keep it.
            patch_cache_control(response, private=True, no_store=True)
        return response
