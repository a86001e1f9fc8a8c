from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views import View

from newsdesk.articles.models import Article
from newsdesk.common.response_cache import is_private
from newsdesk.site.article_page import ARTICLE_DETAIL, article_page, visitor_page
from newsdesk.site.syndication import PUBLISHER, feed_links


class ArticleDetailView(View):
    def get(self, request: HttpRequest, article_id: int) -> HttpResponse:
        found = article_page(article_id)
        if found is None:
            raise Http404("No such article")
        key, page_key, page = found
        # What the comments need of their target: its identity (they are rendered for their reader).
        target = Article(pk=key.id)
        context = {
            "page": page,
            "article": target,
            "feeds": feed_links(PUBLISHER, key.publisher__slug, key.publisher__name),
        }
        if not is_private(request.COOKIES, request.META) and not request.user.is_authenticated:
            return HttpResponse(visitor_page(request, context, page_key=page_key, target=target))
        response = render(request, ARTICLE_DETAIL, context)
        if request.user.is_authenticated:
            # Their page carries their name, their pending comments and a CSRF token: no shared cache may keep it.
            patch_cache_control(response, private=True, no_store=True)
        return response
