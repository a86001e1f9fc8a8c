from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from newsdesk.articles.selectors import article_sections, category_list
from newsdesk.site.cards import home_content_html
from newsdesk.site.languages import language_asked
from newsdesk.site.pagination import paginate
from newsdesk.site.syndication import STORIES, feed_links
from newsdesk.stories.selectors import (
    REPEAT_FLAG,
    STORY_OF,
    story_card_keys,
    story_language_leads,
    story_top,
)

STORIES_PER_PAGE = 20


class HomePageView(View):
    """Top stories ranked by coverage and freshness, one card each, with "more" pages; below them on the first
    page the newest articles of each section, every wire text and every story once in a section."""

    def get(self, request: HttpRequest) -> HttpResponse:
        language = language_asked(request)
        # Pages of the ranking's keys: the cards of the page's stories are cached, and only the stories no cache
        # holds a card of are loaded.
        page = paginate(request, story_top(language=language).keys, STORIES_PER_PAGE)
        # One read of the categories for the sections and the navigation (the context processor's would be another).
        categories = list(category_list())
        # Every wire text once (copies of a text whose primary is shown elsewhere are left out of the sections), and
        # every story once in a section: its newest report stands for it (its card and page hold the rest).
        first = page.number == 1 and not language
        sections = article_sections(categories=categories, hidden=REPEAT_FLAG, one_per=STORY_OF) if first else []
        card_keys = story_card_keys([rank_key[2] for rank_key in page.object_list])
        # A reader who asked for a language sees each story as its report in that language tells it.
        led_in = {key.id: key.lead_article__language for key in card_keys}
        context = {
            "content": home_content_html(
                page=page,
                card_keys=card_keys,
                leads=story_language_leads(led_in, language=language),
                sections=[(section.category, section.articles) for section in sections if section.articles],
                language=language,
            ),
            "feeds": feed_links(STORIES, language=language),
            "nav_categories": categories,
        }
        return render(request, "site/home.html", context)
