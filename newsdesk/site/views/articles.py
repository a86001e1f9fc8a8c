from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views import View

from newsdesk.articles.policy import visible_body
from newsdesk.articles.presentation import HEADLINE_ONLY_NOTE, image_alt, is_headline_only, visible_image_url
from newsdesk.site.syndication import PUBLISHER, feed_links
from newsdesk.stories.selectors import article_page_get, article_syndication


class ArticleDetailView(View):
    def get(self, request: HttpRequest, article_id: int) -> HttpResponse:
        article = article_page_get(article_id=article_id)
        if article is None:
            raise Http404("No such article")
        context = {
            "article": article,
            "body": visible_body(article),
            "headline_only": is_headline_only(article),
            "headline_only_note": HEADLINE_ONLY_NOTE,
            "image_url": visible_image_url(article),
            "image_alt": image_alt(article),
            "syndication": article_syndication(article),
            "feeds": feed_links(PUBLISHER, article.publisher.slug, article.publisher.name),
        }
        response = render(request, "site/article_detail.html", context)
        if request.user.is_authenticated:
            # Their page carries their name, their pending comments and a CSRF token: no shared cache may keep it.
            patch_cache_control(response, private=True, no_store=True)
        return response
