from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from newsdesk.articles.selectors import ArticleKeyList, article_list_by_publisher
from newsdesk.site.cards import article_key_items_html, joined
from newsdesk.site.languages import language_asked
from newsdesk.site.pagination import paginate
from newsdesk.site.syndication import PUBLISHER, feed_links
from newsdesk.sources.selectors import publisher_get


class PublisherDetailView(View):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        publisher = publisher_get(slug=slug)
        if publisher is None:
            raise Http404("No such publisher")
        # `?lang=` keeps the articles in that language, as the publisher's feeds do (a malformed one is a 400).
        language = language_asked(request)
        # Keys first: the page's items are cached, rows loaded only for the ones no cache holds.
        articles = ArticleKeyList(
            ("publisher", publisher.pk, language),
            lambda: article_list_by_publisher(publisher=publisher, language=language),
        )
        page = paginate(request, articles)
        context = {
            "publisher": publisher,
            "language": language,
            "page_obj": page,
            "items": joined(article_key_items_html(page.object_list, level=3)),
            "feeds": feed_links(PUBLISHER, publisher.slug, publisher.name, language=language),
        }
        return render(request, "site/publisher_detail.html", context)
