from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from newsdesk.articles.selectors import article_sections
from newsdesk.site.syndication import feed_links


class HomePageView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        context = {"sections": article_sections(), "feeds": feed_links()}
        return render(request, "site/home.html", context)
