from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from newsdesk.articles.models import Article
from newsdesk.rights.selectors import REMOVED_BY_TAKEDOWN, article_was_removed
from newsdesk.site.article_page import ARTICLE_DETAIL, article_page
from newsdesk.site.page_cache import page_response
from newsdesk.site.syndication import PUBLISHER, feed_links


class ArticleDetailView(View):
    def get(self, request: HttpRequest, article_id: int) -> HttpResponse:
        found = article_page(article_id)
        if found is None:
            if article_was_removed(article_id=article_id):
                return render(request, "410.html", {"message": REMOVED_BY_TAKEDOWN}, status=410)
            raise Http404("No such article")
        key, identity, page = found
        # What the comments need of their target: its identity (they are rendered for their reader).
        target = Article(pk=key.id)
        context = {
            "page": page,
            "article": target,
            "feeds": feed_links(PUBLISHER, key.publisher__slug, key.publisher__name),
        }
        return page_response(request, ARTICLE_DETAIL, context, blocks=identity, target=target)
