from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from newsdesk.articles.selectors import ArticleKeyList, article_list_by_category, category_get
from newsdesk.site.cards import article_key_items_html, joined
from newsdesk.site.languages import language_asked
from newsdesk.site.pagination import paginate
from newsdesk.site.syndication import CATEGORY, feed_links
from newsdesk.stories.selectors import without_repeats


class CategoryDetailView(View):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        category = category_get(slug=slug)
        if category is None:
            raise Http404("No such category")
        # `?lang=` keeps the articles in that language, as the section's feeds do (a malformed one is a 400).
        language = language_asked(request)
        # Keys first: the page's items are cached, rows loaded only for the ones no cache holds.
        articles = ArticleKeyList(
            ("category", category.pk, language),
            lambda: without_repeats(article_list_by_category(category=category, language=language)),
        )
        page = paginate(request, articles)
        context = {
            "category": category,
            "language": language,
            "page_obj": page,
            "items": joined(article_key_items_html(page.object_list, level=2)),
            "feeds": feed_links(CATEGORY, category.slug, category.name, language=language),
        }
        return render(request, "site/category_detail.html", context)
