from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from newsdesk.articles.selectors import article_list_by_publisher
from newsdesk.site.cards import article_items_html
from newsdesk.site.pagination import paginate
from newsdesk.site.syndication import PUBLISHER, feed_links
from newsdesk.sources.selectors import publisher_get


class PublisherDetailView(View):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        publisher = publisher_get(slug=slug)
        if publisher is None:
            raise Http404("No such publisher")
        page = paginate(request, article_list_by_publisher(publisher=publisher))
        context = {
            "publisher": publisher,
            "page_obj": page,
            "items": article_items_html(page.object_list),
            "feeds": feed_links(PUBLISHER, publisher.slug, publisher.name),
        }
        return render(request, "site/publisher_detail.html", context)
