from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from newsdesk.site.syndication import STORIES, feed_links
from newsdesk.stories.presentation import story_card
from newsdesk.stories.selectors import story_coverage, story_get


class StoryDetailView(View):
    def get(self, request: HttpRequest, story_id: int) -> HttpResponse:
        story = story_get(story_id=story_id)
        if story is None:
            raise Http404("No such story")
        context = {
            "card": story_card(story),
            "coverage": story_coverage(story),
            "feeds": feed_links(STORIES),
        }
        return render(request, "site/story_detail.html", context)
